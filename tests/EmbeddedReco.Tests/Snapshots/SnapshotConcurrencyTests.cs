using EmbeddedReco.Tests.Infrastructure;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

public sealed class SnapshotConcurrencyTests
{
    [Fact]
    public void LoadSnapshot_WhileOthersSuggestAndRecord_NeverShowsAMixedState()
    {
        byte[] small = SnapshotOf(items: 12, seed: 1, Everything);
        byte[] large = SnapshotOf(items: 40, seed: 2, Everything);

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

    [Fact]
    public void LoadSnapshot_WithProfiles_SuggestNeverCombinesOneSnapshotsCatalogWithTheOthersProfiles()
    {
        // Same ids and players, different vectors and histories: a list computed from catalog A with profiles B (or the
        // reverse) differs from both whole states.
        byte[] a = SnapshotOf(items: 200, seed: 1, Everything);
        byte[] b = SnapshotOf(items: 200, seed: 2, Everything);

        var expected = new List<string>();
        foreach (var bytes in new[] { a, b })
        {
            using var e = TestCatalog.InMemory(Dims);
            e.LoadSnapshot(new MemoryStream(bytes));
            expected.Add(Top(e));
            Assert.Equal(expected[^1], Top(e));
        }

        Assert.NotEqual(expected[0], expected[1]);
        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(a));
        engine.State.SwapPause = () => Thread.Sleep(1); // a wide window between the catalog swap and the profiles swap
        using var stop = new CancellationTokenSource();
        string? mixed = null;
        var reader = new Thread(() =>
        {
            while (!stop.IsCancellationRequested && mixed is null)
            {
                string list = Top(engine);
                if (!expected.Contains(list))
                {
                    mixed = list;
                }
            }
        });
        reader.Start();
        for (int i = 0; i < 100 && mixed is null; i++)
        {
            engine.LoadSnapshot(new MemoryStream(i % 2 == 0 ? b : a));
        }

        stop.Cancel();
        reader.Join();
        Assert.Null(mixed);
    }

    /// <summary>The top 5 of a player with history in both snapshots, as text (ids and scores).</summary>
    private static string Top(RecoEngine engine)
    {
        var buffer = new Suggestion[5];
        int n = engine.Suggest("alice", buffer);
        return string.Join(";", buffer.Take(n).Select(s => $"{s.ItemId}:{s.Score:R}"));
    }
}
