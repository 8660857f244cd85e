using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace EmbeddedReco.Catalog;

/// <summary>
/// Per-item engagement counters aligned with the rows of a <see cref="CatalogSnapshot"/>, and the one part of it that changes in
/// place: written only under the engine's mutation lock (one writer), read without a lock by <c>Suggest</c>, the writer thread
/// and snapshot captures (a stale value only shifts one ranking slightly).
/// </summary>
/// <remarks>
/// Every access to a 64-bit value is atomic on every target: writes go through <see cref="Interlocked"/>; reads are plain loads
/// in a 64-bit process (aligned 8-byte loads are atomic there, and <c>IntPtr.Size == 8</c> is a JIT-time constant, so the hot
/// path is the same single load as before) and <see cref="Interlocked"/> reads in a 32-bit process (ARMv7 IL2CPP, x86), where a
/// plain load could tear a value being written.
/// </remarks>
internal sealed class MutableItemCounters
{
    private double[] _popularityLog2;
    private long[] _impressions;
    private long[] _engagements;
    private long _popularityVersion;
    private long _resetVersion;

    /// <summary>Zeroed counters (no engagement: log2 popularity of negative infinity) for <paramref name="count"/> items.</summary>
    public MutableItemCounters(int count)
        : this(new double[count], new long[count], new long[count])
    {
        _popularityLog2.AsSpan().Fill(double.NegativeInfinity);
    }

    /// <summary>Wraps existing arrays (of equal length), which must not be used elsewhere afterwards.</summary>
    public MutableItemCounters(double[] popularityLog2, long[] impressions, long[] engagements)
    {
        _popularityLog2 = popularityLog2;
        _impressions = impressions;
        _engagements = engagements;
    }

    /// <summary>The number of items.</summary>
    public int Count => _popularityLog2.Length;

    /// <summary>
    /// The raw arrays, only for an owner with exclusive access: a closed, recycled catalog whose arrays a snapshot load refills.
    /// </summary>
    public double[] PopularityLog2Buffer => _popularityLog2;

    /// <inheritdoc cref="PopularityLog2Buffer"/>
    public long[] ImpressionsBuffer => _impressions;

    /// <inheritdoc cref="PopularityLog2Buffer"/>
    public long[] EngagementsBuffer => _engagements;

    /// <summary>
    /// True in a 64-bit process, where a plain load of an array element is atomic: a hot loop may then read
    /// <see cref="PopularityLog2Buffer"/> directly instead of calling <see cref="PopularityLog2(int)"/> per item.
    /// </summary>
    public static bool PlainReadsAreAtomic
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IntPtr.Size == 8;
    }

    /// <summary>Zeroed counters for <paramref name="count"/> items, reusing the arrays of <paramref name="recycle"/> when they fit.</summary>
    public static MutableItemCounters Create(int count, MutableItemCounters? recycle)
    {
        if (recycle is null || recycle._popularityLog2.Length != count)
        {
            return new MutableItemCounters(count);
        }

        recycle._popularityLog2.AsSpan().Fill(double.NegativeInfinity);
        recycle._impressions.AsSpan().Clear();
        recycle._engagements.AsSpan().Clear();
        return new MutableItemCounters(recycle._popularityLog2, recycle._impressions, recycle._engagements);
    }

    /// <summary>log2 of the decayed positive engagement, in epoch half-lives (see <see cref="Profiles.Decay"/>); never torn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double PopularityLog2(int row) =>
        IntPtr.Size == 8 ? _popularityLog2[row] : Interlocked.CompareExchange(ref _popularityLog2[row], 0d, 0d);

    /// <summary>Impressions recorded for the item; never torn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Impressions(int row) => IntPtr.Size == 8 ? _impressions[row] : Interlocked.Read(ref _impressions[row]);

    /// <summary>Interactions with a positive engagement weight; never torn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Engagements(int row) => IntPtr.Size == 8 ? _engagements[row] : Interlocked.Read(ref _engagements[row]);

    /// <summary>
    /// Changes whenever a popularity value does (after the value is written): a reader that cached something derived from the
    /// popularity column (the normalized popularity scores) rebuilds it when this differs from the version it cached.
    /// </summary>
    public long PopularityVersion => Interlocked.Read(ref _popularityVersion);

    /// <summary>Sets the item's log2 popularity (under the mutation lock, or before the counters are published).</summary>
    public void SetPopularityLog2(int row, double value)
    {
        Interlocked.Exchange(ref _popularityLog2[row], value);
        Interlocked.Increment(ref _popularityVersion);
    }

    /// <summary>Counts one impression (under the mutation lock).</summary>
    public void AddImpression(int row) => Interlocked.Increment(ref _impressions[row]);

    /// <summary>Counts one positive engagement (under the mutation lock).</summary>
    public void AddEngagement(int row) => Interlocked.Increment(ref _engagements[row]);

    /// <summary>Sets all three counters of a row (under the mutation lock, or before the counters are published).</summary>
    public void Set(int row, double popularityLog2, long impressions, long engagements)
    {
        SetPopularityLog2(row, popularityLog2);
        Interlocked.Exchange(ref _impressions[row], impressions);
        Interlocked.Exchange(ref _engagements[row], engagements);
        Interlocked.Increment(ref _resetVersion);
    }

    /// <summary>
    /// Changes whenever an impression count is set rather than counted up (<see cref="Set"/>: a snapshot load, a catalog copy):
    /// between two changes impressions only grow, so a set of "rows with few impressions" built at one version only loses rows.
    /// </summary>
    public long ResetVersion => Interlocked.Read(ref _resetVersion);

    /// <summary>Copies row <paramref name="from"/> of <paramref name="source"/> to row <paramref name="to"/>.</summary>
    public void CopyFrom(MutableItemCounters source, int from, int to) =>
        Set(to, source.PopularityLog2(from), source.Impressions(from), source.Engagements(from));

    /// <summary>
    /// Copies, into these counters (not yet published), the counters of <paramref name="source"/> at the rows
    /// <paramref name="sourceRow"/> gives (-1: left as is). Call under the engine's mutation lock, under which the source changes.
    /// </summary>
    public void CarryFrom(MutableItemCounters source, int[] sourceRow)
    {
        for (int row = 0; row < sourceRow.Length; row++)
        {
            int from = sourceRow[row];
            if (from >= 0)
            {
                _popularityLog2[row] = source.PopularityLog2(from);
                _impressions[row] = source.Impressions(from);
                _engagements[row] = source.Engagements(from);
            }
        }

        Interlocked.Increment(ref _resetVersion);
    }

    /// <summary>A copy of the first <paramref name="count"/> rows (for counters not yet published).</summary>
    public MutableItemCounters Trim(int count) =>
        new MutableItemCounters(
            _popularityLog2.AsSpan(0, count).ToArray(),
            _impressions.AsSpan(0, count).ToArray(),
            _engagements.AsSpan(0, count).ToArray());

    /// <summary>A copy of every row's log2 popularity, each value read atomically (for a snapshot capture).</summary>
    public double[] CopyPopularityLog2()
    {
        var copy = new double[_popularityLog2.Length];
        CopyPopularityLog2(copy);
        return copy;
    }

    /// <summary>Copies every row's log2 popularity into the start of <paramref name="destination"/>, each value read atomically.</summary>
    public void CopyPopularityLog2(Span<double> destination)
    {
        for (int i = 0; i < _popularityLog2.Length; i++)
        {
            destination[i] = PopularityLog2(i);
        }
    }

    /// <summary>A copy of every row's impressions, each value read atomically (for a snapshot capture).</summary>
    public long[] CopyImpressions()
    {
        var copy = new long[_impressions.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Impressions(i);
        }

        return copy;
    }

    /// <summary>A copy of every row's engagements, each value read atomically (for a snapshot capture).</summary>
    public long[] CopyEngagements()
    {
        var copy = new long[_engagements.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Engagements(i);
        }

        return copy;
    }
}
