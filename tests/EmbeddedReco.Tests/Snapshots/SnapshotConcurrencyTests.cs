using EmbeddedReco.Tests.Infrastructure;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

public sealed class SnapshotConcurrencyTests
{
    [Fact]
    public void LoadSnapshot_WhileOthersSuggestAndRecord_NeverShowsAMixedState()
    {
        byte[] small, large;
        using (var a = PopulatedEngine(items: 12, seed: 1))
        {
            small = Save(a, Everything);
        }

        using (var b = PopulatedEngine(items: 40, seed: 2))
        {
            large = Save(b, Everything);
        }

        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(small));
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var reader = new Thread(() =>
        {
            var buffer = new Suggestion[50];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (string user in Users)
                    {
                        int n = engine.Suggest(user, buffer);
                        Assert.InRange(n, 1, 40);
                        engine.Record(new Interaction(user, buffer[0].ItemId, InteractionKind.Click, 1, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
                    }
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        reader.Start();
        for (int i = 0; i < 40; i++)
        {
            engine.LoadSnapshot(new MemoryStream(i % 2 == 0 ? large : small));
        }

        stop.Cancel();
        reader.Join();
        Assert.Null(failure);
        Assert.Equal(12, engine.ItemCount);
    }
}
