using BenchmarkDotNet.Attributes;
using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// Suggest at 1k, 10k and 100k items x 64 dims (pure relevance, warm cache) against the loop a competent host author writes in
/// ten lines, measured in the same run: <c>TensorPrimitives.Dot</c> per row and a 10-slot insertion list. (The earlier baseline, a
/// scalar loop plus a full sort, was a straw man and is retired.) The large-catalog and cold-cache figures are in
/// <see cref="ScoringCoreBenchmarks"/> and <see cref="ColdCacheSuggestBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class SuggestBenchmarks
{
    private const int Dims = 64;
    private readonly Suggestion[] _buffer = new Suggestion[10];
    private RecoEngine _engine = null!;
    private float[] _matrix = null!;
    private float[] _query = null!;
    private readonly float[] _bestScores = new float[10];
    private readonly int[] _bestRows = new int[10];

    [Params(1_000, 10_000, 100_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Pure relevance here (the policy's cost is measured in PolicyBenchmarks).
        var options = new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims };
        options.Policy.Epsilon = 0;
        options.Policy.Diversity = 1;
        options.Policy.RecentLists = 0;
        _engine = RecoEngine.Open(options);
        var rng = new Random(42);
        var items = new List<ItemDefinition>(Items);
        _matrix = new float[Items * Dims];
        for (int i = 0; i < Items; i++)
        {
            var v = new float[Dims];
            for (int d = 0; d < Dims; d++)
            {
                v[d] = (float)((rng.NextDouble() * 2) - 1);
            }

            float norm = MathF.Sqrt(v.Sum(x => x * x));
            for (int d = 0; d < Dims; d++)
            {
                _matrix[(i * Dims) + d] = v[d] / norm;
            }

            items.Add(new ItemDefinition($"item-{i:D6}", v, new[] { $"tag-{i % 16}" }));
        }

        _engine.UpsertItems(items);
        for (int i = 0; i < 20; i++)
        {
            _engine.Record(new Interaction("player", $"item-{rng.Next(Items):D6}", i % 5 == 0 ? InteractionKind.Purchase : InteractionKind.Click));
            _engine.Record(new Interaction($"other-{i}", $"item-{rng.Next(Items):D6}", InteractionKind.Click));
        }

        _engine.Flush(); // the writer thread must be idle: its allocations would count against Suggest
        _query = _engine.GetProfile("player")!.Vector.ToArray();
        float qn = MathF.Sqrt(_query.Sum(x => x * x));
        for (int d = 0; d < Dims; d++)
        {
            _query[d] /= qn;
        }

        _engine.Suggest("player", _buffer);
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    /// <summary>Baseline: TensorPrimitives.Dot per row and a 10-slot insertion list (best first).</summary>
    [Benchmark(Baseline = true)]
    public int TensorPrimitivesLoop() => BenchmarkCatalog.TensorPrimitivesTop10(_matrix, Dims, _query, _bestScores, _bestRows);

    /// <summary>The engine's allocation-free overload (personalized path: SIMD scoring + top-k).</summary>
    [Benchmark]
    public int SuggestSpan() => _engine.Suggest("player", _buffer);

    /// <summary>The list overload (allocates the returned list only).</summary>
    [Benchmark]
    public int SuggestList() => _engine.Suggest("player", 10).Count;

    /// <summary>Cold start: an unknown player gets the popularity ranking.</summary>
    [Benchmark]
    public int SuggestColdStart() => _engine.Suggest("stranger", _buffer);
}
