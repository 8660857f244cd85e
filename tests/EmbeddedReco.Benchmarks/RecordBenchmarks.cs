using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// <c>Record</c> of a known player on a known item, one benchmark per interaction kind, plus a click while another thread flushes
/// (commit + checkpoint on the writer thread) without pause, beside a baseline a host would write by hand, in the same run.
/// </summary>
/// <remarks>
/// <para>The baseline is the least a host can do to get the same hand-off without the engine: update an in-memory counter per
/// (player, item) in a <see cref="Dictionary{TKey, TValue}"/> under a lock and hand the event to its own background writer through a
/// <see cref="ConcurrentQueue{T}"/> (drained by a thread, as a writer would). It persists nothing and learns nothing, so it is a
/// floor, not a straw man: Record also validates the ids, updates the profile vector, the per-item state, the item's popularity
/// and the engagement counters, and queues five writes for its writer thread.</para>
/// <para>Each iteration is <see cref="Calls"/> calls. BenchmarkDotNet calls Record millions of times a second, far above any game
/// and above what the writer can commit; unchecked, the run would measure the writer's throughput (the documented
/// MaxPendingWrites back-pressure), and its Allocated column counts every thread (GC.GetTotalAllocatedBytes), so LiteDB's encoding
/// on the writer thread too. So the per-kind benchmarks hold the writer inside a commit during the iteration (as a slow disk
/// would: Record must not notice) and let it commit everything in the iteration cleanup; the flushing benchmark lets the writer
/// commit and checkpoint concurrently without pause, so its Allocated column includes the writer thread's allocations.
/// MaxPendingWrites is raised above one iteration's writes so that no iteration reaches the bound.</para>
/// Run: dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- --filter '*RecordBenchmarks*' --job short
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(Calls, 1)]
public class RecordBenchmarks
{
    /// <summary>Calls per iteration.</summary>
    public const int Calls = 8192;
    private const int Dims = 32;
    private ManualResetEventSlim _inCommit = new(false);
    private ManualResetEventSlim _release = new(false);
    private RecoEngine _engine = null!;
    private Interaction[] _interactions = null!;
    private readonly Dictionary<(string User, string Item), double> _hostCounts = new();
    private readonly object _hostGate = new();
    private readonly ConcurrentQueue<(string User, string Item, InteractionKind Kind, double Value, long Ticks)> _hostQueue = new();
    private Thread? _background;
    private volatile bool _stop;

    /// <summary>An engine on 1,000 items with the player and item known (warmed up), and the interactions to record.</summary>
    [GlobalSetup(Targets = new[]
    {
        nameof(Impression), nameof(Click), nameof(Play), nameof(Purchase), nameof(Like), nameof(Dislike), nameof(Skip), nameof(Rating),
    })]
    public void Setup() => Open();

    /// <summary>The same engine, with a thread calling <see cref="RecoEngine.Flush"/> (commit and checkpoint) without pause.</summary>
    [GlobalSetup(Target = nameof(ClickWhileFlushing))]
    public void SetupFlushing()
    {
        Open();
        _background = new Thread(() =>
        {
            while (!_stop)
            {
                _engine.Flush();
            }
        }) { IsBackground = true, Name = "bench flusher" };
        _background.Start();
    }

    /// <summary>The baseline's queue is drained by a background thread, as the host's own writer would.</summary>
    [GlobalSetup(Target = nameof(HostQueueAndDictionary))]
    public void SetupBaseline()
    {
        _hostCounts[("player-1", "item-0007")] = 0;
        _background = new Thread(() =>
        {
            while (!_stop)
            {
                while (_hostQueue.TryDequeue(out _))
                {
                }

                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "bench host writer" };
        _background.Start();
    }

    /// <summary>Per-kind benchmarks: the writer is held inside a commit for the whole iteration.</summary>
    [IterationSetup(Targets = new[]
    {
        nameof(Impression), nameof(Click), nameof(Play), nameof(Purchase), nameof(Like), nameof(Dislike), nameof(Skip), nameof(Rating),
    })]
    public void HoldWriter()
    {
        _inCommit.Reset();
        _release.Reset();
        _engine.Store.FaultInjector = () =>
        {
            _inCommit.Set();
            _release.Wait();
            return null;
        };
        _engine.Record(_interactions[(int)InteractionKind.Click]);
        _inCommit.Wait();
    }

    /// <summary>Per-kind benchmarks: the writer commits everything the iteration queued.</summary>
    [IterationCleanup(Targets = new[]
    {
        nameof(Impression), nameof(Click), nameof(Play), nameof(Purchase), nameof(Like), nameof(Dislike), nameof(Skip), nameof(Rating),
    })]
    public void ReleaseWriter()
    {
        _engine.Store.FaultInjector = null;
        _release.Set();
        _engine.Flush();
    }

    /// <summary>The flushing benchmark: the writer commits the iteration's backlog, so no iteration reaches MaxPendingWrites.</summary>
    [IterationCleanup(Target = nameof(ClickWhileFlushing))]
    public void Drain() => _engine.Flush();

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _background?.Join();
        _engine?.Dispose();
        _inCommit.Dispose();
        _release.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void HostQueueAndDictionary()
    {
        long ticks = DateTimeOffset.UtcNow.UtcTicks;
        lock (_hostGate)
        {
            ref double count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_hostCounts, ("player-1", "item-0007"), out _);
            count += 1;
        }

        _hostQueue.Enqueue(("player-1", "item-0007", InteractionKind.Click, 1, ticks));
    }

    [Benchmark]
    public void Impression() => _engine.Record(_interactions[(int)InteractionKind.Impression]);

    [Benchmark]
    public void Click() => _engine.Record(_interactions[(int)InteractionKind.Click]);

    [Benchmark]
    public void Play() => _engine.Record(_interactions[(int)InteractionKind.Play]);

    [Benchmark]
    public void Purchase() => _engine.Record(_interactions[(int)InteractionKind.Purchase]);

    [Benchmark]
    public void Like() => _engine.Record(_interactions[(int)InteractionKind.Like]);

    [Benchmark]
    public void Dislike() => _engine.Record(_interactions[(int)InteractionKind.Dislike]);

    [Benchmark]
    public void Skip() => _engine.Record(_interactions[(int)InteractionKind.Skip]);

    [Benchmark]
    public void Rating() => _engine.Record(_interactions[(int)InteractionKind.Rating]);

    [Benchmark]
    public void ClickWhileFlushing() => _engine.Record(_interactions[(int)InteractionKind.Click]);

    private void Open()
    {
        _engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims, MaxPendingWrites = 1_000_000 });
        var rng = new Random(42);
        var items = new List<ItemDefinition>(1000);
        for (int i = 0; i < 1000; i++)
        {
            var v = new float[Dims];
            for (int d = 0; d < Dims; d++)
            {
                v[d] = (float)((rng.NextDouble() * 2) - 1);
            }

            items.Add(new ItemDefinition($"item-{i:D4}", v, new[] { $"tag-{i % 16}" }));
        }

        _engine.UpsertItems(items);
        _interactions = new Interaction[8];
        for (int k = 0; k < 8; k++)
        {
            var kind = (InteractionKind)k;
            double value = kind == InteractionKind.Play ? 120 : kind == InteractionKind.Rating ? 4 : 1;
            _interactions[k] = new Interaction("player-1", "item-0007", kind, value);
        }

        // Warm up past tiered compilation (--job short warms up three iterations only: without this, the first measured ones
        // still run tier-0 and instrumented code): enough calls of every kind, with pauses for the background JIT.
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 40_000; i++)
            {
                _engine.Record(_interactions[i % 8]);
            }

            _engine.Flush();
            Thread.Sleep(250);
        }
    }
}
