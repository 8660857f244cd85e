using EmbeddedReco.Suggesting;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Suggesting;

/// <summary>
/// <see cref="RecoEngineOptions.WarmupInBackground"/>: a catalog's publication starts one lowered warm-up thread per scan path and
/// process, which changes no state; it stays off when asked or when a host scorer is registered. Serial: the warmed paths are
/// process-wide, and other tests' engines would start warm-ups of their own.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class BackgroundWarmupTests
{
    [Fact]
    public void UpsertItems_WarmupInBackgroundOn_WarmsOncePerProcessAndPath()
    {
        BackgroundWarmup.ForgetWarmedPaths();
        int before = BackgroundWarmup.Started;

        using var first = TestCatalog.InMemory();
        first.UpsertItems(TestCatalog.Random(50, 8));
        BackgroundWarmup.Idle.Wait();
        using var second = TestCatalog.InMemory(); // the same path (float32): its code is compiled already
        second.UpsertItems(TestCatalog.Random(60, 8, seed: 2));
        BackgroundWarmup.Idle.Wait();

        Assert.Equal(before + 1, BackgroundWarmup.Started);
        Assert.True(BackgroundWarmup.LastMilliseconds > 0);
    }

    [Fact]
    public void UpsertItems_WarmupRan_ListsCountersAndPlayersAsWithoutIt()
    {
        BackgroundWarmup.ForgetWarmedPaths();
        var items = TestCatalog.Random(80, 8, seed: 4);
        var clock = new TestClock();
        using var warmed = RecoEngine.Open(Options(clock, warmup: true));
        using var plain = RecoEngine.Open(Options(clock, warmup: false));
        int before = BackgroundWarmup.Started;
        foreach (var engine in new[] { warmed, plain })
        {
            engine.UpsertItems(items);
            BackgroundWarmup.Idle.Wait();
            engine.Record(new Interaction("p1", items[3].Id, InteractionKind.Purchase));
            engine.Record(new Interaction("p2", items[9].Id, InteractionKind.Click));
        }

        Assert.Equal(before + 1, BackgroundWarmup.Started); // the warmed engine's catalog started it, the plain one's did not
        Assert.Equal(plain.UserCount, warmed.UserCount);
        foreach (string player in new[] { "p1", "p2", "newcomer" })
        {
            for (int call = 0; call < 3; call++) // seed streams and shown-list memory advance alike
            {
                Assert.Equal(Describe(plain.Suggest(player, 6)), Describe(warmed.Suggest(player, 6)));
            }
        }

        Assert.Equal(Snapshot(plain), Snapshot(warmed)); // profiles, counters, popularity: byte for byte
    }

    [Fact]
    public void UpsertItems_HostScorerRegistered_WarmsWithoutCallingIt()
    {
        BackgroundWarmup.ForgetWarmedPaths();
        var scorer = new CountingScorer();
        var options = Options(new TestClock(), warmup: true);
        options.Scorers.Add(scorer);
        int before = BackgroundWarmup.Started;

        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(40, 8));
        BackgroundWarmup.Idle.Wait();

        Assert.Equal(before + 1, BackgroundWarmup.Started);
        Assert.Equal(0, Volatile.Read(ref scorer.Calls)); // weighted 0 in the warm-up's calls: never run on its thread
        engine.Suggest("p1", 5);
        Assert.Equal(1, Volatile.Read(ref scorer.Calls)); // and still called by the host's own Suggest
    }

    [Fact]
    public void UpsertItems_WarmupInBackgroundOff_NoThread()
    {
        BackgroundWarmup.ForgetWarmedPaths();
        int before = BackgroundWarmup.Started;

        using var engine = RecoEngine.Open(Options(new TestClock(), warmup: false));
        engine.UpsertItems(TestCatalog.Random(40, 8));
        BackgroundWarmup.Idle.Wait();

        Assert.Equal(before, BackgroundWarmup.Started);
    }

    [Fact]
    public void Open_StoredCatalog_WarmsInTheBackground()
    {
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        using (var engine = RecoEngine.Open(Options(new TestClock(), warmup: false, path)))
        {
            engine.UpsertItems(TestCatalog.Random(30, 8));
        }

        BackgroundWarmup.ForgetWarmedPaths();
        int before = BackgroundWarmup.Started;
        using (var reopened = RecoEngine.Open(Options(new TestClock(), warmup: true, path)))
        {
            BackgroundWarmup.Idle.Wait();
            Assert.Equal(30, reopened.ItemCount);
        }

        Assert.Equal(before + 1, BackgroundWarmup.Started);
    }

    private static RecoEngineOptions Options(TestClock clock, bool warmup, string path = RecoEngineOptions.InMemory)
    {
        var options = TestCatalog.Options(path, clock: clock);
        options.WarmupInBackground = warmup;
        return options;
    }

    private static byte[] Snapshot(RecoEngine engine)
    {
        using var buffer = new MemoryStream();
        engine.SaveSnapshot(buffer);
        return buffer.ToArray();
    }

    private static string Describe(IReadOnlyList<Suggestion> list) =>
        string.Join(" ", list.Select(s => $"{s.ItemId}:{s.Score:R}:{s.Source}:{s.Propensity:R}"));

    private sealed class CountingScorer : IScorer
    {
        public int Calls;

        public string Name => "counting";

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            Interlocked.Increment(ref Calls);
            scores.Clear();
            return true;
        }
    }
}
