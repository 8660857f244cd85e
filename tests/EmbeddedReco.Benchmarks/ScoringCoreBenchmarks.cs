using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// The scoring core, warm cache: one <c>Suggest</c> for a player with a few likes at 100k and 1M items x 64 dims, int8 and float32
/// scans, against what a competent host author writes in ten lines (<see cref="TensorPrimitivesLoop"/>: one
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row into a 10-slot insertion list) in the same
/// run; plus eight players served by one <c>SuggestMany</c> against eight single calls.
/// </summary>
/// <remarks>
/// <para>Two groups (BenchmarkDotNet categories), each with its own baseline so the Ratio column means something:
/// <c>Suggest</c> (baseline <see cref="TensorPrimitivesLoop"/>; rows <see cref="SuggestDefaults"/> and
/// <see cref="SuggestPureRelevance"/>) and <c>Batch8</c> (baseline <see cref="Suggest8Singles"/>; row <see cref="SuggestMany8"/>:
/// the ratio between them is the throughput gain of the batch, 1 / ratio players per unit of time).</para>
/// <para>The baseline ignores <see cref="Precision"/> (it is the same float32 loop in both cases). One engine per case: the
/// pure-relevance row switches the policy per call (<c>SuggestOptions { Epsilon = 0, Diversity = 1 }</c>, allocated once in setup),
/// so 1M items cost one engine (256 MB of rows) plus the baseline's normalized copy (256 MB), not two engines.</para>
/// <para>Players have four likes each (clicks and a purchase), recorded then flushed in setup so that the writer thread is idle
/// while measuring (its allocations would count in the Allocated column). The baseline's query is player-0's profile vector,
/// normalized.</para>
/// Run: dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- --filter '*ScoringCoreBenchmarks*'
/// (the class sets its own job: 3 warmup and 15 measured iterations, in process, see below).
/// <para>In process (<c>InProcessEmitToolchain</c>) with the fixtures cached per (items, precision) for the whole run
/// (<see cref="ScoringFixture.Get"/>): building a 1M-item engine takes ~50 s on this machine, and one process per case would pay it
/// 16 times (ten cases here, six in <see cref="ColdCacheSuggestBenchmarks"/>); in process it is paid twice. The cost: every case
/// runs in one process whose heap holds up to four fixtures (~1.3 GB at most), and the engines' policy state (recent lists) carries
/// over between cases, as it does between a game's frames; the Suggest paths allocate nothing, so the big heap causes no GC in the
/// measured calls.</para>
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[Config(typeof(ScoringCoreConfig))]
public class ScoringCoreBenchmarks
{
    private readonly Suggestion[] _buffer = new Suggestion[10];
    private readonly Suggestion[] _batch = new Suggestion[ScoringFixture.Players * 10];
    private readonly int[] _counts = new int[ScoringFixture.Players];
    private ScoringFixture _fixture = null!;

    [Params(100_000, 1_000_000)]
    public int Items { get; set; }

    [Params(ScoringPrecision.Int8, ScoringPrecision.Float32)]
    public ScoringPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = ScoringFixture.Get(Items, Precision);
        _fixture.Engine.SuggestMany(_fixture.PlayerIds, _batch, _counts);
    }

    /// <summary>Baseline: TensorPrimitives.Dot per row and a 10-slot insertion list, over the normalized rows.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Suggest")]
    public int TensorPrimitivesLoop() => _fixture.BaselineTop10();

    /// <summary>The allocation-free overload, engine default policy.</summary>
    [Benchmark]
    [BenchmarkCategory("Suggest")]
    public int SuggestDefaults() => _fixture.Engine.Suggest(_fixture.PlayerIds[0], _buffer);

    /// <summary>The same call, pure relevance (epsilon 0, lambda 1) through per-call options.</summary>
    [Benchmark]
    [BenchmarkCategory("Suggest")]
    public int SuggestPureRelevance() => _fixture.Engine.Suggest(_fixture.PlayerIds[0], _buffer, _fixture.PureRelevance);

    /// <summary>Batch baseline: eight single calls, one per player.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Batch8")]
    public int Suggest8Singles()
    {
        int n = 0;
        for (int i = 0; i < ScoringFixture.Players; i++)
        {
            n += _fixture.Engine.Suggest(_fixture.PlayerIds[i], _batch.AsSpan(i * 10, 10));
        }

        return n;
    }

    /// <summary>The same eight players in one SuggestMany.</summary>
    [Benchmark]
    [BenchmarkCategory("Batch8")]
    public int SuggestMany8() => _fixture.Engine.SuggestMany(_fixture.PlayerIds, _batch, _counts);

    /// <summary>One launch, in process (fixtures shared across cases), 3 warmup + 15 measured iterations.</summary>
    private sealed class ScoringCoreConfig : ManualConfig
    {
        public ScoringCoreConfig()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(15)
                .WithId("WarmInProcess"));
        }
    }
}

/// <summary>The engine, the baseline's normalized rows and the players shared by the scoring benchmarks.</summary>
internal sealed class ScoringFixture : IDisposable
{
    public const int Dims = 64;
    public const int Players = 8;
    private readonly int[] _bestRows = new int[10];
    private readonly float[] _bestScores = new float[10];

    private ScoringFixture(RecoEngine engine, float[] matrix, float[] query, string[] playerIds, int items)
    {
        Engine = engine;
        Matrix = matrix;
        Query = query;
        PlayerIds = playerIds;
        Items = items;
    }

    public RecoEngine Engine { get; }

    /// <summary>Unit-normalized copy of the catalog rows, row-major.</summary>
    public float[] Matrix { get; }

    /// <summary>player-0's profile vector, normalized.</summary>
    public float[] Query { get; }

    public string[] PlayerIds { get; }

    public int Items { get; }

    public SuggestOptions PureRelevance { get; } = new() { Epsilon = 0, Diversity = 1 };

    private static readonly Dictionary<(int Items, ScoringPrecision Precision), ScoringFixture> Cache = new();

    /// <summary>The fixture for this case, built on first use and kept for the rest of the (in-process) run.</summary>
    public static ScoringFixture Get(int items, ScoringPrecision precision)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue((items, precision), out var fixture))
            {
                fixture = Create(items, precision);
                Cache.Add((items, precision), fixture);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => fixture.Dispose();
            }

            return fixture;
        }
    }

    private static ScoringFixture Create(int items, ScoringPrecision precision)
    {
        var catalog = BenchmarkCatalog.Random(items, Dims);
        var matrix = new float[(long)items * Dims];
        for (int i = 0; i < items; i++)
        {
            var row = matrix.AsSpan(i * Dims, Dims);
            catalog[i].Features.Span.CopyTo(row);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims, Precision = precision });
        engine.UpsertItems(catalog);
        catalog = null;
        var rng = new Random(7);
        var players = new string[Players];
        for (int p = 0; p < Players; p++)
        {
            players[p] = $"player-{p}";
            for (int k = 0; k < 4; k++)
            {
                engine.Record(new Interaction(players[p], $"item-{rng.Next(items):D6}", k == 3 ? InteractionKind.Purchase : InteractionKind.Click));
            }
        }

        engine.Flush(); // the writer thread must be idle: its allocations would count against Suggest
        var query = engine.GetProfile(players[0])!.Vector.ToArray();
        TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), query);
        var fixture = new ScoringFixture(engine, matrix, query, players, items);
        var warm = new Suggestion[10];
        for (int i = 0; i < 3; i++)
        {
            engine.Suggest(players[0], warm);
            engine.Suggest(players[0], warm, fixture.PureRelevance);
            fixture.BaselineTop10();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return fixture;
    }

    /// <summary>What a host writes by hand: one TensorPrimitives.Dot per row, keep the best 10 by insertion.</summary>
    public int BaselineTop10() => BenchmarkCatalog.TensorPrimitivesTop10(Matrix, Dims, Query, _bestScores, _bestRows);

    public void Dispose() => Engine.Dispose();
}
