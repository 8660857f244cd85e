using BenchmarkDotNet.Attributes;
using EmbeddedReco.Catalog;
using EmbeddedReco.Common;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// The content scan of one <c>Suggest</c> (<c>ContentScan.Scan</c>: the int8 codes of every row against the player's query, the
/// scores written, their range kept) with a cold cache, the same rows placed two ways: in the ordinary 4 KB pages of the runtime's
/// heap (baseline) and in 2 MB pages (<see cref="LargePages"/>, the engine's placement where the OS allows it; on a machine
/// without transparent huge pages both rows measure the same placement). 100k and 1M rows x 64 dims; the same eviction and job as
/// <see cref="ColdCacheSuggestBenchmarks"/> (<see cref="CacheEvictor"/> before each call, one call per iteration, median of 40).
/// </summary>
/// <remarks>Run: dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- --filter '*ColdScanBenchmarks*'</remarks>
[Config(typeof(ColdCacheSuggestBenchmarks.ColdCacheConfig))]
public class ColdScanBenchmarks
{
    private const int Dims = 64;
    private CatalogSnapshot _smallPages = null!;
    private CatalogSnapshot _largePages = null!;
    private float[] _query = null!;
    private short[] _queryCodes = null!;
    private float[] _raw = null!;
    private readonly CacheEvictor _evictor = new();

    [Params(100_000, 1_000_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        var vectors = new float[Items * Dims];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        _query = new float[Dims];
        for (int d = 0; d < Dims; d++)
        {
            _query[d] = (float)((rng.NextDouble() * 2) - 1);
        }

        _queryCodes = new short[Dims];
        _raw = new float[Items];
        bool was = LargePages.Enabled;
        LargePages.Enabled = false;
        _smallPages = Catalog(vectors);
        LargePages.Enabled = was;
        _largePages = Catalog(vectors);
    }

    /// <summary>The rest of the frame: write then read 64 MB of unrelated memory.</summary>
    [IterationSetup]
    public void EvictCaches() => _evictor.Evict();

    /// <summary>Baseline: the codes in the runtime's ordinary 4 KB pages.</summary>
    [Benchmark(Baseline = true)]
    public float ScanSmallPages() => Scan(_smallPages);

    /// <summary>The engine's placement: the codes in 2 MB pages where the OS allows.</summary>
    [Benchmark]
    public float ScanLargePages() => Scan(_largePages);

    private float Scan(CatalogSnapshot catalog)
    {
        ContentScan.Scan(catalog, _query, _queryCodes, _raw, out float min, out float max);
        return max - min;
    }

    private CatalogSnapshot Catalog(float[] vectors)
    {
        var ids = new string[Items];
        var tags = new string[Items][];
        for (int i = 0; i < Items; i++)
        {
            ids[i] = $"item-{i:D7}";
            tags[i] = Array.Empty<string>();
        }

        var catalog = new CatalogSnapshot(Dims, ids, vectors, tags, new MutableItemCounters(Items));
        catalog.Quantize();
        return catalog;
    }
}
