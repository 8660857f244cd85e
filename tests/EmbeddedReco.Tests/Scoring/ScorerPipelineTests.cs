using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Scoring;

public class ScorerPipelineTests
{
    private sealed class DelegateScorer : IScorer
    {
        private readonly Func<int, float> _score;

        public DelegateScorer(string name, Func<int, float> score)
        {
            Name = name;
            _score = score;
        }

        public string Name { get; }

        public int Calls;

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            Interlocked.Increment(ref Calls);
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] = _score(int.Parse(context.ItemId(i).AsSpan(5)));
            }

            return true;
        }
    }

    private sealed class ThrowingScorer : IScorer
    {
        public string Name => "throws";

        public bool Score(in ScoringContext context, Span<float> scores) => throw new InvalidOperationException("boom");
    }

    private sealed class SlowScorer : IScorer
    {
        public string Name => "slow";

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 30)
            {
            }

            scores.Fill(1);
            return true;
        }
    }

    private static RecoEngine Engine(Action<ScorerCollection> configure, TestClock? clock = null)
    {
        var options = TestCatalog.Options(dimensions: 8, clock: clock);
        configure(options.Scorers);
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Like));
        return engine;
    }

    private static IReadOnlyList<Suggestion> Pure(RecoEngine engine) => engine.Suggest("p", new SuggestOptions { IncludeConsumed = true });

    [Fact]
    public void Suggest_ScorerThrows_SkippedAndListStillFull()
    {
        using var engine = Engine(s => s.Add(new ThrowingScorer(), 5));
        var baseline = Engine(_ => { });

        var list = Pure(engine);

        Assert.Equal(10, list.Count);
        Assert.Equal(Pure(baseline).Select(x => x.ItemId), list.Select(x => x.ItemId));
        var status = engine.GetScorers().Single(x => x.Name == "throws");
        Assert.Equal(1, status.Faults);
        Assert.Contains("boom", status.LastFault, StringComparison.Ordinal);
        baseline.Dispose();
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Suggest_ScorerReturnsNonFinite_SkippedForTheCall(float bad)
    {
        using var engine = Engine(s => s.Add(new DelegateScorer("bad", i => i == 7 ? bad : 1f), 10));

        var list = Pure(engine);

        Assert.Equal(10, list.Count);
        Assert.DoesNotContain(list[0].Breakdown!, c => c.Scorer == "bad");
        Assert.Equal(1, engine.GetScorers().Single(x => x.Name == "bad").Faults);
    }

    [Fact]
    public void Suggest_ScorerOverBudget_SkippedThenDisabledAfterLimitAndReenabled()
    {
        var clock = new TestClock();
        using var engine = Engine(s =>
        {
            s.Add(new SlowScorer(), 1, ScoreNormalization.MinMax, TimeSpan.FromMilliseconds(5));
            s.FaultLimit = 2;
        }, clock);

        Assert.Equal(10, Pure(engine).Count);
        Assert.True(engine.GetScorers().Single(x => x.Name == "slow").Enabled);
        Assert.Equal(10, Pure(engine).Count);
        var status = engine.GetScorers().Single(x => x.Name == "slow");
        Assert.False(status.Enabled);
        Assert.Equal(2, status.Calls);

        Pure(engine);
        Assert.Equal(2, engine.GetScorers().Single(x => x.Name == "slow").Calls); // disabled: not called

        Assert.True(engine.EnableScorer("slow"));
        Assert.True(engine.GetScorers().Single(x => x.Name == "slow").Enabled);
        Assert.False(engine.EnableScorer("nope"));
    }

    [Fact]
    public void Suggest_FaultsOutsideWindow_DoNotDisable()
    {
        var clock = new TestClock();
        using var engine = Engine(s =>
        {
            s.Add(new ThrowingScorer(), 1);
            s.FaultLimit = 2;
            s.FaultWindow = TimeSpan.FromMinutes(1);
        }, clock);

        Pure(engine);
        clock.Advance(TimeSpan.FromMinutes(2));
        Pure(engine);

        Assert.True(engine.GetScorers().Single(x => x.Name == "throws").Enabled);
    }

    [Fact]
    public void Suggest_WeightsChangeRanking_ExcludeActsAsGate()
    {
        using var engine = Engine(s => s.Add(new DelegateScorer("prefer-40s", i => i >= 40 ? 1 : i == 3 ? ScorerContract.Exclude : 0), 0.01));

        var light = Pure(engine);
        var heavy = engine.Suggest("p", new SuggestOptions { IncludeConsumed = true, ScorerWeights = new Dictionary<string, double> { ["prefer-40s"] = 10 } });

        Assert.Contains(light, s => int.Parse(s.ItemId[5..]) < 40);
        Assert.All(heavy, s => Assert.True(int.Parse(s.ItemId[5..]) >= 40));
        Assert.DoesNotContain(light.Concat(heavy), s => s.ItemId == "item-0003");
    }

    [Fact]
    public void Suggest_Breakdown_SumsToScore()
    {
        var options = TestCatalog.Options(dimensions: 8, pure: false);
        options.Scorers.Add(new DelegateScorer("half", i => i % 2), 0.5);
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(80, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Like));
        engine.Record(new Interaction("q", "item-0005", InteractionKind.Purchase));

        for (int call = 0; call < 3; call++)
        {
            foreach (var s in engine.Suggest("p", new SuggestOptions { Epsilon = 0.3 }))
            {
                Assert.NotNull(s.Breakdown);
                Assert.Equal(s.Score, s.Breakdown!.Sum(c => c.Contribution), 4);
                Assert.Contains(s.Breakdown!, c => c.Scorer == ScorerContract.Content);
            }
        }

        Assert.Contains(engine.Suggest("p", 40).SelectMany(s => s.Breakdown!), c => c.Scorer == "policy:recent" && c.Contribution < 0);
    }

    [Fact]
    public void Suggest_SpanOverloadWithNonAllocatingPlugin_AllocatesNothing()
    {
        var gate = new DelegateScorer("gate", i => i % 5 == 0 ? ScorerContract.Exclude : 0.5f);
        using var engine = Engine(s => s.Add(gate, 1, ScoreNormalization.None));
        var buffer = new Suggestion[10];
        var options = new SuggestOptions { Epsilon = 0.2, Diversity = 0.8 };
        for (int i = 0; i < 5; i++)
        {
            engine.Suggest("p", buffer, options);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            engine.Suggest("p", buffer, options);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Scorers_AddDuplicateOrBadWeight_Throws()
    {
        var scorers = new ScorerCollection();
        Assert.Throws<ArgumentException>(() => scorers.Add(new DelegateScorer(ScorerContract.Content, _ => 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => scorers.Add(new DelegateScorer("x", _ => 0), double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => scorers.Add(new DelegateScorer("y", _ => 0), -1));
        Assert.Throws<ArgumentException>(() => scorers.SetWeight("missing", 1));
        Assert.Throws<ArgumentNullException>(() => scorers.Add(null!));
        Assert.True(scorers.Remove(ScorerContract.Popularity));
        Assert.Equal(2, scorers.Count);
    }
}
