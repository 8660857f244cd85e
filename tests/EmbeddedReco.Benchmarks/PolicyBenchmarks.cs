using BenchmarkDotNet.Attributes;
using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// The cost of the policy stage on the allocation-free overload: pure relevance (baseline) against MMR, epsilon-greedy exploration
/// and the engine defaults (MMR 0.8 + epsilon 0.05 + recent-list memory), at 10k and 100k items x 64 dims.
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private readonly Suggestion[] _buffer = new Suggestion[10];
    private readonly SuggestOptions _pure = new() { Epsilon = 0, Diversity = 1, MarkShown = false };
    private readonly SuggestOptions _mmr = new() { Epsilon = 0, Diversity = 0.7, MarkShown = false };
    private readonly SuggestOptions _explore = new() { Epsilon = 0.2, Diversity = 1, MarkShown = false };
    private readonly SuggestOptions _both = new() { Epsilon = 0.2, Diversity = 0.7, MarkShown = false };
    private RecoEngine _engine = null!;

    [Params(10_000, 100_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 64 });
        _engine.UpsertItems(BenchmarkCatalog.Random(Items, 64));
        var rng = new Random(1);
        for (int i = 0; i < 20; i++)
        {
            _engine.Record(new Interaction("player", $"item-{rng.Next(Items):D6}", InteractionKind.Click));
        }

        _engine.Flush();
        _engine.Suggest("player", _buffer, _both);
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark(Baseline = true)]
    public int PureRelevance() => _engine.Suggest("player", _buffer, _pure);

    [Benchmark]
    public int Mmr07() => _engine.Suggest("player", _buffer, _mmr);

    [Benchmark]
    public int Explore02() => _engine.Suggest("player", _buffer, _explore);

    [Benchmark]
    public int Mmr07AndExplore02() => _engine.Suggest("player", _buffer, _both);

    [Benchmark]
    public int EngineDefaults() => _engine.Suggest("player", _buffer);
}
