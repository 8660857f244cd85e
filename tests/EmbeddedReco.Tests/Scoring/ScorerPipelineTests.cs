using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

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

    /// <summary>Busy for 30 ms on every call.</summary>
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

    /// <summary>Prefers high item numbers; on the listed calls (0-based) it sleeps far past its budget first, like a thread that was
    /// preempted or a host that stalled while the scorer ran (with <see cref="Collect"/>: a forced GC first, the sleep standing for
    /// its pause). Its numbers never depend on the sleep.</summary>
    private sealed class HitchScorer : IScorer
    {
        private readonly HashSet<int> _hitchCalls;
        private readonly int _sleepMilliseconds;
        private int _calls;

        public HitchScorer(string name, int sleepMilliseconds = 0, params int[] hitchCalls)
        {
            Name = name;
            _sleepMilliseconds = sleepMilliseconds;
            _hitchCalls = new HashSet<int>(hitchCalls);
        }

        public string Name { get; }

        public bool Collect { get; init; }

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            int call = Interlocked.Increment(ref _calls) - 1;
            if (_hitchCalls.Contains(call))
            {
                if (Collect)
                {
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                }

                Thread.Sleep(_sleepMilliseconds);
            }

            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] = int.Parse(context.ItemId(i).AsSpan(5)) / 50f;
            }

            return true;
        }
    }

    /// <summary>Throws while <see cref="Broken"/> is set, scores every item 1 otherwise.</summary>
    private sealed class SwitchScorer : IScorer
    {
        private int _calls;

        public SwitchScorer(string name) => Name = name;

        public string Name { get; }

        public volatile bool Broken = true;

        public int Calls => Volatile.Read(ref _calls);

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            Interlocked.Increment(ref _calls);
            if (Broken)
            {
                throw new InvalidOperationException("down");
            }

            scores.Fill(1);
            return true;
        }
    }

    private static RecoEngine Engine(Action<ScorerCollection> configure, TestClock? clock = null, ILoggerFactory? logger = null)
    {
        var options = TestCatalog.Options(dimensions: 8, clock: clock);
        options.LoggerFactory = logger ?? options.LoggerFactory;
        configure(options.Scorers);
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Like));
        return engine;
    }

    private static IReadOnlyList<Suggestion> Pure(RecoEngine engine) => engine.Suggest("p", new SuggestOptions { IncludeConsumed = true });

    private static string Describe(IReadOnlyList<Suggestion> list) =>
        string.Join("; ", list.Select(s => $"{s.ItemId} {s.Score:R} [{string.Join(", ", s.Breakdown!.Select(c => $"{c.Scorer}={c.Contribution:R}"))}]"));

    private static ScorerStatus Status(RecoEngine engine, string name) => engine.GetScorers().Single(x => x.Name == name);

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
    public void Suggest_ScorerHitchesOnNonConsecutiveCalls_NeverDisabledAndListsEqualUnloadedRun()
    {
        // A fast scorer whose calls 0, 2 and 4 stall 500 ms past a 200 ms budget: three hitches at one engine time were three
        // faults (disabled, FaultLimit 3), and each hitch dropped the scorer's output from that list.
        var budget = TimeSpan.FromMilliseconds(200);
        using var loaded = Engine(s => s.Add(new HitchScorer("boost", 500, 0, 2, 4), 2, ScoreNormalization.MinMax, budget));
        using var unloaded = Engine(s => s.Add(new HitchScorer("boost"), 2, ScoreNormalization.MinMax, budget));
        using var without = Engine(_ => { });
        Assert.NotEqual(Describe(Pure(without)), Describe(Pure(unloaded))); // the scorer matters to the list

        for (int call = 0; call < 6; call++)
        {
            Assert.Equal(Describe(Pure(unloaded)), Describe(Pure(loaded)));
        }

        var status = Status(loaded, "boost");
        Assert.True(status.Enabled);
        Assert.Equal(0, status.Faults);
        Assert.Equal(6, status.Calls); // the hitches were suspects, or excused when a GC of a parallel test ran during the sleep
    }

    [Fact]
    public void Suggest_ConsistentlySlowScorer_SuspectKeptThenFaultsDroppedThenDisabledAndReenabled()
    {
        // Slow on every call. A GC of another test during a call may excuse one call (the one after an excused call is always
        // counted), so the steps are told apart by the counted slow calls rather than by call number.
        using var engine = Engine(s =>
        {
            s.Add(new SlowScorer(), 1, ScoreNormalization.MinMax, TimeSpan.FromMilliseconds(5));
            s.FaultLimit = 2;
        });

        bool keptSuspect = false, droppedFault = false;
        for (int call = 0; call < 8 && Status(engine, "slow").Enabled; call++)
        {
            var list = Pure(engine);
            var status = Status(engine, "slow");
            bool scored = list[0].Breakdown!.Any(c => c.Scorer == "slow");
            Assert.Equal(10, list.Count);
            Assert.Equal(Math.Max(0, status.SlowCalls - 1), status.Faults); // the first counted slow call is a suspect
            keptSuspect |= status.SlowCalls == 1 && status.Faults == 0 && scored;
            droppedFault |= status.Faults == 1 && status.Enabled && !scored;
        }

        var disabled = Status(engine, "slow");
        Assert.True(keptSuspect && droppedFault);
        Assert.Equal((false, 2L, 3L), (disabled.Enabled, disabled.Faults, disabled.SlowCalls));
        Assert.Contains("over its 5 ms budget on 3 calls in a row", disabled.LastFault, StringComparison.Ordinal);

        Pure(engine);
        Assert.Equal(disabled.Calls, Status(engine, "slow").Calls); // disabled: not called

        Assert.True(engine.EnableScorer("slow"));
        Assert.True(Status(engine, "slow").Enabled);
        Assert.False(engine.EnableScorer("nope"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Suggest_SlowCallConfirmations_FaultOnlyAfterThatManySuspects(int confirmations)
    {
        using var engine = Engine(s =>
        {
            s.Add(new SlowScorer(), 1, ScoreNormalization.MinMax, TimeSpan.FromMilliseconds(5));
            s.SlowCallConfirmations = confirmations;
            s.FaultLimit = 1;
        });

        for (int call = 0; call < 8 && Status(engine, "slow").Enabled; call++)
        {
            Pure(engine);
            var status = Status(engine, "slow");
            Assert.Equal(status.SlowCalls <= confirmations, status.Enabled);
        }

        var disabled = Status(engine, "slow");
        Assert.Equal((false, 1L, confirmations + 1L), (disabled.Enabled, disabled.Faults, disabled.SlowCalls));
    }

    [Fact]
    public void Suggest_GcDuringOverBudgetCalls_ExcusedUnlessThePreviousCallWasOverToo()
    {
        // Forced GCs in the calls that stall past the budget; the strictest setting: any counted over-budget call is a fault and
        // disables. Hitches between fast calls are excused; a scorer over budget on every call is still caught, one call later.
        void Strict(ScorerCollection s)
        {
            s.SlowCallConfirmations = 0;
            s.FaultLimit = 1;
        }

        var budget = TimeSpan.FromMilliseconds(100);
        using var hitches = Engine(s =>
        {
            s.Add(new HitchScorer("hitch", 250, 0, 2, 4) { Collect = true }, 1, ScoreNormalization.MinMax, budget);
            Strict(s);
        });
        using var alwaysSlow = Engine(s =>
        {
            s.Add(new HitchScorer("slow", 250, 0, 1, 2) { Collect = true }, 1, ScoreNormalization.MinMax, budget);
            Strict(s);
        });

        for (int call = 0; call < 6; call++)
        {
            Assert.Contains(Pure(hitches)[0].Breakdown!, c => c.Scorer == "hitch");
        }

        Assert.Contains(Pure(alwaysSlow)[0].Breakdown!, c => c.Scorer == "slow"); // excused
        Assert.True(Status(alwaysSlow, "slow").Enabled);
        Pure(alwaysSlow); // over budget after an over-budget call: counted, a fault
        Assert.Equal((true, 0L, 0L), (Status(hitches, "hitch").Enabled, Status(hitches, "hitch").Faults, Status(hitches, "hitch").SlowCalls));
        Assert.Equal((false, 1L, 1L), (Status(alwaysSlow, "slow").Enabled, Status(alwaysSlow, "slow").Faults, Status(alwaysSlow, "slow").SlowCalls));
    }

    [Fact]
    public void Suggest_DisabledScorer_ComesBackAfterRecoveryPeriodByEngineClockOnProbation()
    {
        var clock = new TestClock();
        var logs = new CapturingLoggerFactory();
        var scorer = new SwitchScorer("flaky");
        using var engine = Engine(s =>
        {
            s.Add(scorer, 1);
            s.FaultLimit = 2;
            s.RecoveryPeriod = TimeSpan.FromMinutes(5);
        }, clock, logs);
        var disabledAt = clock.Now;
        Pure(engine);
        Pure(engine);
        Assert.False(Status(engine, "flaky").Enabled);
        Assert.Equal(disabledAt + TimeSpan.FromMinutes(5), Status(engine, "flaky").ReenableAt);

        scorer.Broken = false;
        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Pure(engine);
        Assert.Equal(2, scorer.Calls); // still in its quiet period: not called
        Assert.False(Status(engine, "flaky").Enabled);

        clock.Advance(TimeSpan.FromTicks(1));
        var list = Pure(engine);
        Assert.Equal(3, scorer.Calls);
        Assert.Contains(list[0].Breakdown!, c => c.Scorer == "flaky");
        var back = Status(engine, "flaky");
        Assert.True(back.Enabled);
        Assert.True(back.OnProbation);
        Assert.Null(back.ReenableAt);
        Assert.Single(logs.Entries, e => e.EventId.Id == 33 && e.Message.Contains("flaky", StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1)); // one fault-free FaultWindow: probation over
        Assert.False(Status(engine, "flaky").OnProbation);
    }

    [Fact]
    public void Suggest_FaultOnProbation_DisablesAgainWithDoubledPeriodThenResetsAfterQuietWindow()
    {
        var clock = new TestClock();
        var scorer = new SwitchScorer("flaky");
        using var engine = Engine(s =>
        {
            s.Add(scorer, 1);
            s.FaultLimit = 3;
            s.RecoveryPeriod = TimeSpan.FromMinutes(5);
        }, clock);
        for (int i = 0; i < 3; i++)
        {
            Pure(engine);
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        Pure(engine); // back on probation, still broken: one fault disables it again, for twice the period
        var relapsed = Status(engine, "flaky");
        Assert.Equal((false, 4L), (relapsed.Enabled, relapsed.Faults));
        Assert.Equal(clock.Now + TimeSpan.FromMinutes(10), relapsed.ReenableAt);

        clock.Advance(TimeSpan.FromMinutes(10));
        scorer.Broken = false;
        Pure(engine);
        Assert.True(Status(engine, "flaky").OnProbation);
        clock.Advance(TimeSpan.FromMinutes(2)); // quiet for more than FaultWindow: probation over, period back to 5 minutes
        scorer.Broken = true;
        Pure(engine);
        Pure(engine);
        Assert.True(Status(engine, "flaky").Enabled); // 2 faults < FaultLimit 3
        Pure(engine);
        Assert.Equal(clock.Now + TimeSpan.FromMinutes(5), Status(engine, "flaky").ReenableAt);
    }

    [Fact]
    public void Suggest_RecoveryPeriodInfinite_StaysDisabledUntilEnableScorer()
    {
        var clock = new TestClock();
        var scorer = new SwitchScorer("flaky");
        using var engine = Engine(s =>
        {
            s.Add(scorer, 1);
            s.FaultLimit = 1;
            s.RecoveryPeriod = Timeout.InfiniteTimeSpan;
        }, clock);
        Pure(engine);
        scorer.Broken = false;

        clock.Advance(TimeSpan.FromDays(3650));
        Pure(engine);

        var status = Status(engine, "flaky");
        Assert.False(status.Enabled);
        Assert.Null(status.ReenableAt);
        Assert.Equal(1, scorer.Calls);
        Assert.True(engine.EnableScorer("flaky"));
        Assert.Equal((true, false), (Status(engine, "flaky").Enabled, Status(engine, "flaky").OnProbation));
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

        long allocated = AllocationMeter.SteadyStateBytes(() => engine.Suggest("p", buffer, options));

        Assert.Equal(0, allocated);
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
