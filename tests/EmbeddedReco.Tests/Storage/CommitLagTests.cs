using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>How far the file may lag behind memory: never more than MaxPendingWrites queued writes, whatever the load; past it records are refused, never waited for.</summary>
public class CommitLagTests
{
    [Fact]
    public void TryRecord_FloodThatOutrunsTheDisk_NeverQueuesMoreThanMaxPendingWritesAndLosesNothingAccepted()
    {
        using var folder = new TempFolder();
        string path = folder.File("flood.db");
        var options = TestCatalog.Options(path, dimensions: 32);
        options.MaxPendingWrites = 500;
        long recorded = 0, refused = 0;
        int maxSeen = 0;
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(TestCatalog.Random(500, 32));
            engine.Flush();
            using var stop = new CancellationTokenSource();
            var watcher = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    maxSeen = Math.Max(maxSeen, engine.Store.PendingWrites);
                    Thread.Yield();
                }
            });
            watcher.Start();
            var sw = Stopwatch.StartNew();
            var rng = new Random(1);
            while (sw.ElapsedMilliseconds < 1500)
            {
                if (engine.TryRecord(new Interaction($"p{rng.Next(300)}", $"item-{rng.Next(500):D4}", InteractionKind.Click)))
                {
                    recorded++;
                }
                else
                {
                    refused++;
                }
            }

            stop.Cancel();
            watcher.Join();
            Assert.True(refused > 0, "the flood never reached the bound: the test proves nothing");
            Assert.Equal(refused, engine.RefusedInteractions);
            engine.Flush();
        }

        // A Record queues one log row (its state writes are coalesced): the bound holds to within one batch.
        Assert.InRange(maxSeen, 1, 500 + 6);
        Assert.Equal(recorded, StorageInspector.CountInteractions(path));
    }

    [Fact]
    public void Open_MaxPendingWritesBelowMinimum_ThrowsNamingTheOption()
    {
        var options = TestCatalog.Options();
        options.MaxPendingWrites = 10;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RecoEngine.Open(options));
        Assert.Equal("options.MaxPendingWrites", ex.ParamName);
    }
}
