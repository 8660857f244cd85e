using BenchmarkDotNet.Attributes;
using EmbeddedReco;
using EmbeddedReco.Snapshots;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// Snapshot save and load of 100k items x 64 dims (25.6 MB of vectors, a 30 MB file) beside a plain File.ReadAllBytes of the same
/// file in the same run. Throughput = file size (printed at setup) / mean time; target at least 500 MB/s each way.
/// Run (the class sets its own job: 15 iterations, because the load benchmarks run one load per iteration):
/// dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- --filter *SnapshotBenchmarks*
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class SnapshotBenchmarks
{
    private const int Dims = 64;
    private const int Items = 100_000;
    private string _folder = null!;
    private string _file = null!;
    private string _saveTarget = null!;
    private RecoEngine _source = null!;
    private RecoEngine _target = null!;
    private MemoryStream _memory = null!;
    private float[] _rows = null!;
    private sbyte[] _codes = null!;
    private float[] _scales = null!;

    /// <summary>Save benchmarks keep the populated source engine.</summary>
    [GlobalSetup(Targets = new[] { nameof(SaveToStream), nameof(SaveToPath) })]
    public void SetupSave() => Setup();

    /// <summary>Read and load benchmarks: the file is written by a source engine that is then disposed, so its heap (and its
    /// in-memory database) does not inflate the garbage collections measured while loading.</summary>
    [GlobalSetup(Targets = new[] { nameof(ReadAllBytes), nameof(ReadAndValidate), nameof(LoadFromPath), nameof(LoadFromPathWithoutReuse), nameof(QuantizeRows) })]
    public void SetupLoad()
    {
        Setup();
        _source.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "embeddedreco-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_folder);
        _file = Path.Combine(_folder, "model.ersnap");
        _saveTarget = Path.Combine(_folder, "saved.ersnap");
        _source = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims });
        var rng = new Random(42);
        var items = new List<ItemDefinition>(Items);
        for (int i = 0; i < Items; i++)
        {
            var v = new float[Dims];
            for (int d = 0; d < Dims; d++)
            {
                v[d] = (float)((rng.NextDouble() * 2) - 1);
            }

            items.Add(new ItemDefinition($"item-{i:D6}", v, new[] { $"tag-{i % 16}" }));
        }

        _rows = new float[Items * Dims];
        for (int i = 0; i < Items; i++)
        {
            Scoring.VectorKernels.NormalizeInto(items[i].Features.Span, _rows.AsSpan(i * Dims, Dims));
        }

        _codes = new sbyte[Items * Dims];
        _scales = new float[Items];
        _source.UpsertItems(items);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 1000; i++)
        {
            _source.Record(new Interaction($"user-{i % 50}", $"item-{rng.Next(Items):D6}", InteractionKind.Click, 1, start.AddMinutes(i)));
        }

        _source.Flush();
        _source.SaveSnapshot(_file);
        _memory = new MemoryStream(capacity: (int)new FileInfo(_file).Length + 4096);
        _target = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims });
        Console.WriteLine($"// Snapshot file: {new FileInfo(_file).Length} bytes ({Items} items x {Dims} dims)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _target.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Baseline: read the same file's bytes, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int ReadAllBytes() => File.ReadAllBytes(_file).Length;

    /// <summary>Encode + checksum + write into a memory stream (no disk).</summary>
    [Benchmark]
    public long SaveToStream()
    {
        _memory.SetLength(0);
        _source.SaveSnapshot(_memory);
        return _memory.Length;
    }

    /// <summary>The atomic file save: temp file, fsync, rename.</summary>
    [Benchmark]
    public void SaveToPath() => _source.SaveSnapshot(_saveTarget);

    /// <summary>Read + checksum + parse + validate, without touching an engine.</summary>
    /// <summary>What a load adds with <see cref="ScoringPrecision.Int8"/> (the default, included in the load rows): quantizing
    /// every row, instead of storing the int8 rows in the file.</summary>
    [Benchmark]
    public int QuantizeRows()
    {
        Scoring.Int8Kernels.QuantizeRows(_rows, Dims, _codes, _scales);
        return _codes[0];
    }

    [Benchmark]
    public int ReadAndValidate()
    {
        using var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var model = SnapshotReader.Read(stream, SnapshotOptions.DefaultMaxSnapshotBytes);
        SnapshotValidator.Validate(model, Dims, 256);
        return model.ItemIds.Length;
    }

    /// <summary>The public load, reloading into an engine that loaded before (the default reuses the replaced catalog's arrays):
    /// read, verify, validate, build and swap the engine state. Persistence is queued; it is flushed between iterations.</summary>
    [Benchmark]
    public int LoadFromPath()
    {
        _target.LoadSnapshot(_file);
        return _target.ItemCount;
    }

    /// <summary>The same load with <see cref="SnapshotOptions.ReuseReplacedCatalog"/> off: every array is a fresh allocation,
    /// as for the first load into an engine.</summary>
    [Benchmark]
    public int LoadFromPathWithoutReuse()
    {
        _target.LoadSnapshot(_file, NoReuse);
        return _target.ItemCount;
    }

    private static readonly SnapshotOptions NoReuse = new() { ReuseReplacedCatalog = false };

    [IterationCleanup(Targets = new[] { nameof(LoadFromPath), nameof(LoadFromPathWithoutReuse) })]
    public void FlushTarget() => _target.Flush();
}
