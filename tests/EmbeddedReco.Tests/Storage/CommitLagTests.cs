using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>How far the file may lag behind memory: never more than MaxPendingWrites queued writes, whatever the load.</summary>
public class CommitLagTests
{
    [Fact]
    public void Record_FloodThatOutrunsTheDisk_NeverQueuesMoreThanMaxPendingWritesAndLosesNothing()
    {
        using var folder = new TempFolder();
        string path = folder.File("flood.db");
        var options = TestCatalog.Options(path, dimensions: 32);
        options.MaxPendingWrites = 500;
        long recorded = 0;
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
                engine.Record(new Interaction($"p{rng.Next(300)}", $"item-{rng.Next(500):D4}", InteractionKind.Click));
                recorded++;
            }

            stop.Cancel();
            watcher.Join();
            Assert.True(engine.Store.BackPressureWaits > 0, "the flood never reached the bound: the test proves nothing");
            engine.Flush();
        }

        // A Record queues at most 6 writes in one batch: the bound holds to within one batch.
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
