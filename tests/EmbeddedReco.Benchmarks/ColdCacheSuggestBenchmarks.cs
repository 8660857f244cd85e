using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// The same <c>Suggest</c> rows as <see cref="ScoringCoreBenchmarks"/> (100k and 1M items x 64 dims, int8 and float32, baseline
/// <c>TensorPrimitivesLoop</c>), with a cold cache: before every measured call, other work writes then reads a separate 64 MB
/// buffer, as the rest of a game frame would, so the catalog is evicted from every cache level (this machine's L3 is far smaller).
/// </summary>
/// <remarks>
/// <para>Why this job: a cold cache has to be re-established before each measured invocation, so the eviction runs in an
/// <c>[IterationSetup]</c> (not timed) and each iteration is exactly one invocation (<c>InvocationCount = 1</c>,
/// <c>UnrollFactor = 1</c>: BenchmarkDotNet otherwise calls the method many times per iteration and only the first call would be
/// cold). One call per iteration is noisy (timer granularity is ~tens of ns, far below a call here, but one interrupt or
/// scheduler hiccup lands whole in a sample), so the job runs 40 measured iterations after 5 warmup ones and the Median column is
/// the figure to read; the Mean is reported too. Iteration setup takes ~20-40 ms (64 MB written and read back), so a case takes
/// a few seconds plus its catalog setup.</para>
/// <para>In process, with the fixtures shared with <see cref="ScoringCoreBenchmarks"/> (see there why).</para>
/// <para>The baseline ignores <see cref="Precision"/>. Pure relevance switches the policy per call
/// (<c>SuggestOptions { Epsilon = 0, Diversity = 1 }</c>, allocated once) on the one engine.</para>
/// Run: dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- --filter '*ColdCacheSuggestBenchmarks*'
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ColdCacheConfig))]
public class ColdCacheSuggestBenchmarks
{
    private readonly Suggestion[] _buffer = new Suggestion[10];
    private ScoringFixture _fixture = null!;
    private readonly CacheEvictor _evictor = new();

    [Params(100_000, 1_000_000)]
    public int Items { get; set; }

    [Params(ScoringPrecision.Int8, ScoringPrecision.Float32)]
    public ScoringPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = ScoringFixture.Get(Items, Precision);
    }

    /// <summary>The rest of the frame: write then read 64 MB of unrelated memory.</summary>
    [IterationSetup]
    public void EvictCaches() => _evictor.Evict();

    /// <summary>Baseline: TensorPrimitives.Dot per row and a 10-slot insertion list, over the normalized rows.</summary>
    [Benchmark(Baseline = true)]
    public int TensorPrimitivesLoop() => _fixture.BaselineTop10();

    /// <summary>The allocation-free overload, engine default policy.</summary>
    [Benchmark]
    public int SuggestDefaults() => _fixture.Engine.Suggest(_fixture.PlayerIds[0], _buffer);

    /// <summary>The same call, pure relevance (epsilon 0, lambda 1) through per-call options.</summary>
    [Benchmark]
    public int SuggestPureRelevance() => _fixture.Engine.Suggest(_fixture.PlayerIds[0], _buffer, _fixture.PureRelevance);

    /// <summary>One invocation per iteration, 5 warmup + 40 measured iterations, in process; Median column shown.</summary>
    internal sealed class ColdCacheConfig : ManualConfig
    {
        public ColdCacheConfig()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(5)
                .WithIterationCount(40)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithId("ColdCache"));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
        }
    }
}

/// <summary>The rest of a game frame, for the cold-cache benchmarks: a separate 64 MB buffer written then read (not timed).</summary>
internal sealed class CacheEvictor
{
    private const int EvictBytes = 64 << 20;
    private readonly long[] _other = new long[EvictBytes / sizeof(long)];
    private long _round;

    /// <summary>A sum of what was read, kept so the reads are not optimized away.</summary>
    public long Sink { get; private set; }

    /// <summary>Writes then reads the whole buffer: every cache level is evicted (this machine's L3 is far smaller).</summary>
    public void Evict()
    {
        long v = ++_round;
        Span<long> other = _other;
        for (int i = 0; i < other.Length; i++)
        {
            other[i] = v + i;
        }

        long sum = 0;
        for (int i = 0; i < other.Length; i++)
        {
            sum += other[i];
        }

        Sink += sum;
    }
}
