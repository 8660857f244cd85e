using System.Diagnostics;

namespace EmbeddedReco.GameLoop;

/// <summary>
/// Every duration of one kind of engine call, in <see cref="Stopwatch"/> ticks, in a pre-sized array (recording allocates
/// nothing unless the upper bound given at construction was too low), and its tail percentiles after the loop.
/// </summary>
internal sealed class LatencyRecorder
{
    /// <summary>The issue's target for a flat tail ("No hitches", #16): p99 at most this many times p50.</summary>
    public const double TargetTailRatio = 3.0;

    private long[] _ticks;
    private bool _sorted;

    /// <summary>Creates a recorder sized for <paramref name="capacity"/> calls (an upper bound: the loop then never allocates).</summary>
    /// <param name="name">The call's name in the report, e.g. "Suggest".</param>
    /// <param name="capacity">The most calls expected.</param>
    public LatencyRecorder(string name, int capacity)
    {
        Name = name;
        _ticks = new long[Math.Max(16, capacity)];
    }

    /// <summary>The call's name in the report.</summary>
    public string Name { get; }

    /// <summary>Number of durations recorded.</summary>
    public int Count { get; private set; }

    /// <summary>How often the array had to grow (each time an allocation inside the loop; 0 when the upper bound held).</summary>
    public int Growths { get; private set; }

    /// <summary>Converts <see cref="Stopwatch"/> ticks to milliseconds.</summary>
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Records one call's duration.</summary>
    /// <param name="ticks">The duration in <see cref="Stopwatch"/> ticks.</param>
    public void Add(long ticks)
    {
        if (Count == _ticks.Length)
        {
            Array.Resize(ref _ticks, _ticks.Length * 2);
            Growths++;
        }

        _ticks[Count++] = ticks;
        _sorted = false;
    }

    /// <summary>The nearest-rank percentile in ms: the value at index ceil(q x n) - 1 of the sorted durations (0 when empty).</summary>
    /// <param name="q">The quantile, e.g. 0.99.</param>
    public double Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        SortOnce();
        int index = (int)Math.Ceiling(q * Count) - 1;
        return Ms(_ticks[Math.Clamp(index, 0, Count - 1)]);
    }

    /// <summary>The longest call in ms (0 when empty).</summary>
    public double Max => Percentile(1.0);

    /// <summary>p99 / p50, or null when p50 is 0 (no calls, or calls below the timer's resolution).</summary>
    public double? TailRatio
    {
        get
        {
            double p50 = Percentile(0.50);
            return p50 > 0 ? Percentile(0.99) / p50 : null;
        }
    }

    /// <summary>
    /// The report line: p50, p99, p99.9 and max in ms over every recorded call, and p99/p50 against
    /// <see cref="TargetTailRatio"/> (met or not met, as measured).
    /// </summary>
    /// <param name="callsLabel">What one call is, e.g. "shop fills".</param>
    public string Report(string callsLabel)
    {
        double? ratio = TailRatio;
        string verdict = ratio is null
            ? "p99/p50 = n/a (p50 is 0)"
            : $"p99/p50 = {ratio.Value:0.0}x (target <= {TargetTailRatio:0}x: {(ratio.Value <= TargetTailRatio ? "met" : "not met")})";
        string grown = Growths == 0 ? "" : $" [duration array grew {Growths}x inside the loop]";
        return $"{Name} latency ({Count} {callsLabel}): p50 {Percentile(0.50):0.000} ms, p99 {Percentile(0.99):0.000} ms, "
            + $"p99.9 {Percentile(0.999):0.000} ms, max {Max:0.000} ms; {verdict}{grown}";
    }

    private void SortOnce()
    {
        if (!_sorted)
        {
            Array.Sort(_ticks, 0, Count);
            _sorted = true;
        }
    }
}
