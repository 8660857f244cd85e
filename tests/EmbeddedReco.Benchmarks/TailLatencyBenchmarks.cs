using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EmbeddedReco;
using Perfolizer.Horology;
using Perfolizer.Mathematics.OutlierDetection;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// Per-call tail latency (issue #16, "No hitches"): one <c>Suggest(userId, Span&lt;Suggestion&gt;)</c> (the allocation-free overload)
/// or one <c>Record(in Interaction)</c> per measured iteration, on an engine backed by a real LiteDB file, under three
/// <see cref="Background"/>s: <see cref="TailBackground.Idle"/>, <see cref="TailBackground.Writer"/> (another thread recording for
/// other players at a steady game-like rate) and <see cref="TailBackground.WriterAndTrain"/> (that writer plus a thread calling
/// <see cref="RecoEngine.Train"/> in a loop without pause).
/// </summary>
/// <remarks>
/// <para>What it measures: the distribution of single calls, reported as Median, P95, P99, P99.9 and Max, and P99 relative to the
/// same method's P99 with an <see cref="TailBackground.Idle"/> background (the <c>P99 / Idle</c> column) and with a
/// <see cref="TailBackground.Writer"/> background (<c>P99 / Writer</c>: what the trainer adds to a writer already running). The
/// figure issue #16 asks for is <c>P99 / Idle</c> on the <see cref="TailBackground.WriterAndTrain"/> rows, one per method: target
/// at most 3x.</para>
/// <para>Why one call per iteration (<c>InvocationCount = 1</c>, <c>UnrollFactor = 1</c>) and no outlier removal: a hitch is one
/// slow call. An iteration of many calls reports their mean, which hides a 5 ms stall among 10,000 calls of 5 us, and
/// BenchmarkDotNet's default outlier removal then drops the iterations that caught one. Here every call is a sample and every sample
/// is kept (<see cref="OutlierMode.DontRemove"/>); the Mean, Error and StdDev columns are still printed, but the percentiles are the
/// result (BenchmarkDotNet's MinIterationTime warning is expected: the iterations are short on purpose). Forced GCs between
/// iterations are off (<c>GcForce = false</c>): a collection triggered by the trainer's or the writer's allocations that lands in a
/// measured call is a hitch a game would see, and a full GC before every call would both hide it and take most of the run.
/// Before each call the iteration setup sleeps about a millisecond (<see cref="Pace"/>, not measured): calls come once per frame in
/// a game, not back to back, and the pause spreads the samples over several trainings (about a second each here) and lets the
/// engine's writer commit the previous call's record. The engine's own threads (its writer, the training's workers) run in the same
/// process, as they would in a game.</para>
/// <para>Fixture: a LiteDB file in a fresh temp folder (deleted after the engine is disposed), default engine options (so the
/// default write queue bound and training parallelism are what is measured), <see cref="Items"/> items of <see cref="Dims"/>
/// dimensions (seeded), <see cref="Players"/> players with <see cref="HistoryPerPlayer"/> distinct items each (mostly from one of
/// 16 taste clusters, so the model has structure; about 10 players per item, so nearly every item passes the EASE support
/// filter), then one <see cref="RecoEngine.Train"/> (EASE on about 2,000 items, what the background trainer repeats; its time is
/// printed in the log: 0.7 to 4 s on this 2-core machine, depending on load), <see cref="RecoEngine.Warmup"/>, warm-up calls of both
/// measured paths past tiered compilation, and <see cref="RecoEngine.Flush"/>. The measured <c>Suggest</c> is for player 0 (a
/// known history) into a 10-slot buffer; the measured <c>Record</c> is a click of player 0 on an item of their history (one per
/// iteration: far below the write queue bound).
/// The background writer replays the other players' history pairs (click, play, like in turn; no purchase, so nothing is consumed
/// and the training data keep their shape) at <see cref="WriterRatePerSecond"/>, paced by a <see cref="Stopwatch"/> (it sleeps
/// 1 ms and records what is due, two or three per wake-up); the trainer calls Train back to back. Background threads start at the
/// end of the global setup and are stopped and joined in the global cleanup, which prints what they did to the log (trainings and
/// their mean time, records, their achieved rate and the writer's slowest Record, and how many interactions the write queue bound
/// refused after setup: the internal <c>RecoEngine.RefusedInteractions</c>, which must stay 0) and rethrows anything they threw. With the pause the
/// benchmark records under 1,000 clicks a second, so the engine's writer receives under 3,000 records a second in all.</para>
/// <para>Allocated: BenchmarkDotNet counts every thread's allocations (GC.GetTotalAllocatedBytes) over one call here, so the figure
/// includes whatever the engine's writer (committing earlier records), the background writer and the trainer allocated meanwhile:
/// it is not a per-call measure and is kept only as a smoke signal. <see cref="RecordBenchmarks"/> (8,192 calls per iteration, the
/// writer held) is the measure of <c>Record</c>'s 0 B per call, and <see cref="SuggestBenchmarks"/> of Suggest's.</para>
/// <para>On a 2-core machine the trainer's parallel workers can take both cores, so the measured thread competes with them for CPU;
/// that is the situation the issue is about, not an artefact. Anything else running on the machine shows up in the Idle rows' tail
/// too: compare ratios from one run, on a quiet machine.</para>
/// Run: dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- --filter '*TailLatencyBenchmarks*'
/// (the class sets its own job, see <see cref="TailConfig"/>: 1 launch, 500 warmup and 5,000 measured single-call iterations per
/// case, six cases, about four minutes with the build; do not add <c>--job</c>, which would add a second job rather than replace
/// this one). Report P99(WriterAndTrain) / P99(Idle) per method: the <c>P99 / Idle</c> column. Where a method is slower with an
/// Idle background than with a Writer (Record can be: with nothing else recording, the engine's writer thread is asleep when the
/// call queues its batch), that ratio understates what training costs it; <c>P99 / Writer</c> shows the trainer's share alone.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
[Outliers(OutlierMode.DontRemove)]
[Config(typeof(TailConfig))]
public class TailLatencyBenchmarks
{
    /// <summary>Catalog size.</summary>
    public const int Items = 2_000;

    /// <summary>Feature vector length.</summary>
    public const int Dims = 32;

    /// <summary>Players with a history recorded in setup.</summary>
    public const int Players = 500;

    /// <summary>Distinct items per player in setup.</summary>
    public const int HistoryPerPlayer = 40;

    /// <summary>Records per second of the background writer.</summary>
    public const int WriterRatePerSecond = 2_000;

    /// <summary>Pause before each measured call, in milliseconds (Thread.Sleep: about 1.1 ms on Linux).</summary>
    public const int PauseMilliseconds = 1;

    private const int Clusters = 16;
    private static readonly InteractionKind[] WriterKinds = { InteractionKind.Click, InteractionKind.Play, InteractionKind.Like };

    private readonly Suggestion[] _buffer = new Suggestion[10];
    private readonly List<Exception> _backgroundErrors = new();
    private RecoEngine _engine = null!;
    private string _folder = null!;
    private string _player = null!;
    private Interaction _click;
    private (string User, string Item)[] _replay = null!;
    private Thread? _writer;
    private Thread? _trainer;
    private volatile bool _stop;

    // What the background threads did, printed at cleanup.
    private long _writerRecords;
    private long _writerMaxTicks;
    private double _writerSeconds;
    private long _refusedAtStart;
    private long _trainings;
    private double _trainingSeconds;

    /// <summary>What runs beside the measured calls.</summary>
    [Params(TailBackground.Idle, TailBackground.Writer, TailBackground.WriterAndTrain)]
    public TailBackground Background { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "reco-tail-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = Path.Combine(_folder, "reco.db"), Dimensions = Dims });
        _engine.UpsertItems(BenchmarkCatalog.Random(Items, Dims));

        var rng = new Random(16);
        var history = new List<(string User, string Item)>(Players * HistoryPerPlayer);
        var picked = new HashSet<int>();
        for (int p = 0; p < Players; p++)
        {
            string user = "player-" + p.ToString("D4", CultureInfo.InvariantCulture);
            int cluster = rng.Next(Clusters);
            picked.Clear();
            while (picked.Count < HistoryPerPlayer)
            {
                // 70% from the player's taste cluster (items i with i % 16 == cluster), 30% anywhere.
                int item = rng.NextDouble() < 0.7 ? (rng.Next(Items / Clusters) * Clusters) + cluster : rng.Next(Items);
                if (!picked.Add(item))
                {
                    continue;
                }

                string itemId = ItemId(item);
                var kind = (picked.Count % 10) switch
                {
                    0 => InteractionKind.Purchase,
                    1 or 2 or 3 => InteractionKind.Play,
                    4 or 5 => InteractionKind.Like,
                    _ => InteractionKind.Click,
                };
                _engine.Record(new Interaction(user, itemId, kind, kind == InteractionKind.Play ? 300 : 1));
                history.Add((user, itemId));
            }
        }

        _engine.Flush();
        _player = "player-0000";
        _click = new Interaction(_player, history[0].Item, InteractionKind.Click);
        _replay = history.Where(h => h.User != _player).ToArray();
        Shuffle(_replay, new Random(17));

        var watch = Stopwatch.StartNew();
        var trained = _engine.Train();
        Log($"setup: Train took {watch.Elapsed.TotalMilliseconds:F0} ms ({trained.ModelItems} items in the model).");

        _engine.Warmup();
        WarmUpMeasuredPaths();
        _engine.Flush();

        _refusedAtStart = _engine.RefusedInteractions;
        if (Background != TailBackground.Idle)
        {
            _writer = new Thread(WriterLoop) { IsBackground = true, Name = "bench writer" };
            _writer.Start();
        }

        if (Background == TailBackground.WriterAndTrain)
        {
            _trainer = new Thread(TrainerLoop) { IsBackground = true, Name = "bench trainer" };
            _trainer.Start();
        }

        Thread.Sleep(500); // the background reaches its steady state (a training in progress) before the first warmup iteration
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _writer?.Join();
        _trainer?.Join();
        if (_writer is not null)
        {
            double rate = _writerRecords / Math.Max(_writerSeconds, 1e-9);
            double slowestMs = _writerMaxTicks * 1000.0 / Stopwatch.Frequency;
            Log($"background writer: {_writerRecords} records in {_writerSeconds:F1} s ({rate:F0}/s), slowest Record {slowestMs:F2} ms.");
        }

        if (_trainer is not null)
        {
            Log($"background trainer: {_trainings} trainings, mean {_trainingSeconds * 1000 / Math.Max(_trainings, 1):F0} ms.");
        }

        if (_engine is not null)
        {
            // Did any Record (measured or background) wait on the write queue bound (MaxPendingWrites) while the case ran?
            Log($"write queue: {_engine.RefusedInteractions - _refusedAtStart} interactions refused after setup (bound: MaxPendingWrites), {_engine.PendingWrites} writes pending at cleanup.");
            _engine.Dispose();
        }

        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        lock (_backgroundErrors)
        {
            if (_backgroundErrors.Count > 0)
            {
                throw new AggregateException(
                    "A background thread of TailLatencyBenchmarks failed; its results are not valid.", _backgroundErrors);
            }
        }
    }

    /// <summary>
    /// Before every iteration (outside the measured time): a pause of about a millisecond, the rest of a frame. It spreads the
    /// samples over several trainings instead of a second or two, and lets the engine's writer commit the previous call's record.
    /// </summary>
    [IterationSetup]
    public void Pace() => Thread.Sleep(PauseMilliseconds);

    /// <summary>One allocation-free Suggest for a player with a history, 10 slots.</summary>
    [Benchmark]
    public int Suggest() => _engine.Suggest(_player, _buffer);

    /// <summary>One click of a known player on a known item.</summary>
    [Benchmark]
    public void Record() => _engine.Record(in _click);

    /// <summary>Both measured paths, enough calls to reach tier 1, with pauses for the background JIT.</summary>
    private void WarmUpMeasuredPaths()
    {
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 500; i++)
            {
                _engine.Suggest(_player, _buffer);
                _engine.Record(in _click);
                var (user, item) = _replay[i];
                _engine.Record(new Interaction(user, item, WriterKinds[i % WriterKinds.Length], 1));
            }

            _engine.Flush();
            Thread.Sleep(250);
        }
    }

    /// <summary>Records the other players' history pairs at <see cref="WriterRatePerSecond"/>: wakes every ~1 ms, records what is
    /// due.</summary>
    private void WriterLoop()
    {
        try
        {
            var clock = Stopwatch.StartNew();
            long done = 0;
            long slowest = 0;
            while (!_stop)
            {
                long due = (long)(clock.Elapsed.TotalSeconds * WriterRatePerSecond);
                while (done < due && !_stop)
                {
                    var (user, item) = _replay[done % _replay.Length];
                    var kind = WriterKinds[done % WriterKinds.Length];
                    long start = Stopwatch.GetTimestamp();
                    _engine.Record(new Interaction(user, item, kind, kind == InteractionKind.Play ? 120 : 1));
                    slowest = Math.Max(slowest, Stopwatch.GetTimestamp() - start);
                    done++;
                }

                Thread.Sleep(1);
            }

            _writerRecords = done;
            _writerMaxTicks = slowest;
            _writerSeconds = clock.Elapsed.TotalSeconds;
        }
        catch (Exception ex)
        {
            lock (_backgroundErrors)
            {
                _backgroundErrors.Add(ex);
            }
        }
    }

    /// <summary>Calls Train back to back until stopped.</summary>
    private void TrainerLoop()
    {
        try
        {
            var clock = Stopwatch.StartNew();
            long count = 0;
            while (!_stop)
            {
                _engine.Train();
                count++;
            }

            _trainings = count;
            _trainingSeconds = clock.Elapsed.TotalSeconds;
        }
        catch (Exception ex)
        {
            lock (_backgroundErrors)
            {
                _backgroundErrors.Add(ex);
            }
        }
    }

    /// <summary>A line in the benchmark's log (the child process's output, kept in BenchmarkDotNet's log file).</summary>
    private static void Log(FormattableString message) =>
        Console.WriteLine("// TailLatency " + message.ToString(CultureInfo.InvariantCulture));

    private static string ItemId(int i) => "item-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private static void Shuffle<T>(T[] array, Random rng)
    {
        for (int i = array.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (array[i], array[j]) = (array[j], array[i]);
        }
    }

    /// <summary>
    /// One launch, 500 warmup and 5,000 measured iterations of one call each, every sample kept, no forced GC between iterations;
    /// columns Median, P95, P99, P99.9, Max and P99 relative to the same method with an Idle and with a Writer background.
    /// </summary>
    private sealed class TailConfig : ManualConfig
    {
        public TailConfig()
        {
            AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(500)
                .WithIterationCount(5_000)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithOutlierMode(OutlierMode.DontRemove)
                .WithGcForce(false)
                .WithId("SingleCall"));
            AddColumn(
                StatisticColumn.Median,
                StatisticColumn.P95,
                new PercentileColumn(99, "P99"),
                new PercentileColumn(99.9, "P99.9"),
                StatisticColumn.Max,
                new P99RatioColumn(TailBackground.Idle),
                new P99RatioColumn(TailBackground.Writer));
        }
    }
}

/// <summary>What runs beside the measured calls of <see cref="TailLatencyBenchmarks"/>.</summary>
public enum TailBackground
{
    /// <summary>Only the engine's own writer thread, committing what the benchmark records.</summary>
    Idle,

    /// <summary>A thread recording for other players at <see cref="TailLatencyBenchmarks.WriterRatePerSecond"/>.</summary>
    Writer,

    /// <summary>That writer and a thread calling <see cref="RecoEngine.Train"/> in a loop without pause.</summary>
    WriterAndTrain,
}

/// <summary>
/// A percentile of the per-operation times BenchmarkDotNet kept (all of them with <see cref="OutlierMode.DontRemove"/>), by linear
/// interpolation between order statistics (Hyndman-Fan type 7, as Excel's PERCENTILE.INC). BenchmarkDotNet's own percentile columns
/// stop at P95 and P100, and its <c>Percentile(int)</c> takes whole percents only, so P99.9 needs this.
/// </summary>
internal sealed class PercentileColumn : IColumn
{
    private readonly double _percent;

    public PercentileColumn(double percent, string name)
    {
        _percent = percent;
        ColumnName = name;
    }

    public string Id => nameof(PercentileColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => $"Percentile {_percent.ToString(CultureInfo.InvariantCulture)} of the single-call times, all samples kept";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? ns = Of(summary, benchmarkCase, _percent);
        return ns is null ? "NA" : FormatTime(ns.Value, style);
    }

    /// <summary>The percentile in nanoseconds, or null when the case has no results.</summary>
    public static double? Of(Summary summary, BenchmarkCase benchmarkCase, double percent)
    {
        var values = summary[benchmarkCase]?.ResultStatistics?.OriginalValues;
        if (values is null || values.Count == 0)
        {
            return null;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        double h = (sorted.Length - 1) * percent / 100;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    internal static string FormatTime(double ns, SummaryStyle style)
    {
        var unit = style.TimeUnit ?? TimeUnit.GetBestTimeUnit(ns);
        string text = TimeUnit.Convert(ns, TimeUnit.Nanosecond, unit).ToString("N2", style.CultureInfo);
        return style.PrintUnitsInContent ? text + " " + unit.AbbreviationAscii : text;
    }

    public override string ToString() => ColumnName;
}

/// <summary>
/// P99 of a case divided by the P99 of the same method under another background: against <see cref="TailBackground.Idle"/>, issue
/// #16's figure (target at most 3 on the WriterAndTrain rows); against <see cref="TailBackground.Writer"/>, what the trainer alone adds.
/// </summary>
internal sealed class P99RatioColumn : IColumn
{
    private readonly TailBackground _baseline;

    public P99RatioColumn(TailBackground baseline) => _baseline = baseline;

    public string Id => nameof(P99RatioColumn) + "." + _baseline;

    public string ColumnName => "P99 / " + _baseline;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)_baseline;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"P99 of this case / P99 of the same method with a {_baseline} background" +
        (_baseline == TailBackground.Idle ? " (issue #16: at most 3 on the WriterAndTrain rows)" : string.Empty);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor == benchmarkCase.Descriptor
            && c.Job.Id == benchmarkCase.Job.Id
            && c.Parameters[nameof(TailLatencyBenchmarks.Background)] is TailBackground b && b == _baseline);
        if (baseline is null || (TailBackground)benchmarkCase.Parameters[nameof(TailLatencyBenchmarks.Background)] < _baseline)
        {
            return "-";
        }

        double? mine = PercentileColumn.Of(summary, benchmarkCase, 99);
        double? reference = PercentileColumn.Of(summary, baseline, 99);
        if (mine is null || reference is null || reference.Value <= 0)
        {
            return "NA";
        }

        return (mine.Value / reference.Value).ToString("N2", style.CultureInfo) + "x";
    }

    public override string ToString() => ColumnName;
}
