using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace EmbeddedReco.Scoring;

/// <summary>Decides whether a catalog row may enter a result list (not consumed, not excluded, ...).</summary>
internal interface IRowFilter
{
    /// <summary>True when <see cref="Accept"/> returns true for every row (no filter this call).</summary>
    bool AcceptsAll { get; }

    bool Accept(int row);
}

/// <summary>Accepts every row.</summary>
internal struct AcceptAll : IRowFilter
{
    public bool AcceptsAll => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accept(int row) => true;
}

/// <summary>
/// Top-k selection without sorting the catalog. Order: higher score first, ties broken by ordinal item id (through the catalog's
/// precomputed id rank, an int comparison), NaN never selected. <see cref="Select"/> streams the scores against a running threshold:
/// rows that cannot enter are skipped a vector at a time (score below the threshold, or equal with a later id), the others are
/// appended to a buffer of 2k that is cut back to the best k (a quickselect) when full, which raises the threshold; the k kept are
/// sorted at the end on one integer key per entry (<see cref="DescendingKey"/>). The filter is a struct type parameter so the JIT
/// inlines it and nothing is allocated (per-thread buffers).
/// For a large k (the policy's candidates) without a filter, the threshold starts at an estimate taken from a sample of the scores
/// (<see cref="EstimateThreshold"/>), set low enough that the best k are above it in all but rare calls; a call that finds fewer
/// than k rows at or above it runs again from no threshold, so the result is always exact.
/// </summary>
internal static class TopK
{
    /// <summary>
    /// The sample is at most this fraction of the rows (1 / 16), so it starts from an estimate only when k >= 16 x
    /// <see cref="SampleExpected"/> = 256: a smaller list raises its running threshold fast enough on its own.
    /// </summary>
    private const int SampleFraction = 16;

    /// <summary>Sample entries expected above the true k-th best score; the estimate takes the rank twice that.</summary>
    private const int SampleExpected = 16;

    /// <summary>Contiguous runs the sample is taken from, spread evenly over the catalog.</summary>
    private const int SampleChunks = 16;

    [ThreadStatic]
    private static int[]? t_rows;

    [ThreadStatic]
    private static float[]? t_scores;

    [ThreadStatic]
    private static ulong[]? t_keys;

    /// <summary>Selects the best rows; writes them best-first into <paramref name="rowsOut"/> (and scores into <paramref name="scoresOut"/>).</summary>
    /// <returns>The number of rows written: min(k, accepted rows).</returns>
    [MethodImpl(Common.HotPath.Optimize)]
    public static int Select<TFilter>(
        ReadOnlySpan<float> scores,
        ReadOnlySpan<int> idRank,
        int k,
        ref TFilter filter,
        Span<int> rowsOut,
        Span<float> scoresOut)
        where TFilter : struct, IRowFilter =>
        SelectBest(scores, idRank, k, k, ref filter, rowsOut, scoresOut);

    /// <summary>
    /// Selects the best <paramref name="k"/> rows but sorts only the best <paramref name="sorted"/> of them: those are written
    /// best-first at the front of <paramref name="rowsOut"/>, the rest of the best k follow in no particular order (deterministic
    /// for the input). For a caller that reads the order of a few leading rows and only the membership of the others (the list
    /// policy's MMR and exploration pool): two quickselects instead of a sort of all k.
    /// </summary>
    /// <returns>The number of rows written: min(k, accepted rows).</returns>
    [MethodImpl(Common.HotPath.Optimize)]
    public static int SelectBest<TFilter>(
        ReadOnlySpan<float> scores,
        ReadOnlySpan<int> idRank,
        int k,
        int sorted,
        ref TFilter filter,
        Span<int> rowsOut,
        Span<float> scoresOut)
        where TFilter : struct, IRowFilter
    {
        if (k <= 0)
        {
            return 0;
        }

        sorted = Math.Max(1, sorted);
        int capacity = Math.Max(2 * k, k + 64);
        var rows = t_rows is { } r && r.Length >= capacity ? r : (t_rows = new int[capacity]);
        var kept = t_scores is { } f && f.Length >= capacity ? f : (t_scores = new float[capacity]);
        if (filter.AcceptsAll && EstimateThreshold(scores, k, out float estimate))
        {
            int found = Stream(scores, idRank, k, ref filter, rows, kept, capacity, bounded: true, estimate);
            if (found >= k)
            {
                return Finish(rows, kept, scores, idRank, found, k, sorted, rowsOut, scoresOut);
            }
        }

        int count = Stream(scores, idRank, k, ref filter, rows, kept, capacity, bounded: false, float.NegativeInfinity);
        return Finish(rows, kept, scores, idRank, count, k, sorted, rowsOut, scoresOut);
    }

    /// <summary>
    /// Writes the best k of the <paramref name="count"/> collected entries out, the best <paramref name="sorted"/> sorted at the
    /// front (all of them when sorted >= k); returns how many were written.
    /// </summary>
    private static int Finish(int[] rows, float[] kept, ReadOnlySpan<float> scores, ReadOnlySpan<int> idRank, int count, int k, int sorted, Span<int> rowsOut, Span<float> scoresOut)
    {
        if (sorted >= Math.Min(count, k))
        {
            return SortInto(rows, scores, idRank, count, k, rowsOut, scoresOut);
        }

        if (count > k)
        {
            count = KeepBest(rows, kept, idRank, count, k);
        }

        KeepBest(rows, kept, idRank, count, sorted);
        for (int i = sorted; i < count; i++)
        {
            rowsOut[i] = rows[i];
            scoresOut[i] = scores[rows[i]];
        }

        SortInto(rows, scores, idRank, sorted, sorted, rowsOut, scoresOut);
        return count;
    }

    /// <summary>
    /// Of <paramref name="count"/> entries (<paramref name="rows"/> with their <paramref name="scores"/>), moves the best
    /// <paramref name="k"/> to the front and sorts the best <paramref name="sorted"/> of them best first (as <see cref="SelectBest"/>
    /// orders its output); returns min(count, k). <paramref name="scoresByRow"/> holds every row's score (the sorted part's scores
    /// are read back from it, so they are its bits): the rescored candidates of the int8 scan, re-ranked on their exact scores.
    /// </summary>
    internal static int Order(int[] rows, float[] scores, ReadOnlySpan<float> scoresByRow, ReadOnlySpan<int> idRank, int count, int k, int sorted)
    {
        if (count > k)
        {
            count = KeepBest(rows, scores, idRank, count, k);
        }

        sorted = Math.Min(Math.Max(1, sorted), count);
        if (sorted < count)
        {
            KeepBest(rows, scores, idRank, count, sorted);
        }

        SortInto(rows, scoresByRow, idRank, sorted, sorted, rows, scores);
        return count;
    }

    /// <summary>
    /// Sorts the candidates best first and copies the best k out; returns how many. The sort is on one 64-bit key per entry
    /// (the score mapped to an unsigned integer in descending order, then the id rank), which orders exactly as
    /// <see cref="Better"/> and sorts far faster than comparisons that branch on both fields; the scores are read back from the
    /// input, so they are the input's bits. <paramref name="rowsOut"/> may be <paramref name="rows"/> itself (a sort in place).
    /// </summary>
    private static int SortInto(int[] rows, ReadOnlySpan<float> scores, ReadOnlySpan<int> idRank, int count, int k, Span<int> rowsOut, Span<float> scoresOut)
    {
        var keys = t_keys is { } existing && existing.Length >= count ? existing : (t_keys = new ulong[rows.Length]);
        for (int i = 0; i < count; i++)
        {
            int row = rows[i];
            keys[i] = ((ulong)DescendingKey(scores[row]) << 32) | (uint)idRank[row];
        }

        Array.Sort(keys, rows, 0, count);
        count = Math.Min(count, k);
        for (int i = 0; i < count; i++)
        {
            int row = rows[i];
            rowsOut[i] = row;
            scoresOut[i] = scores[row];
        }

        return count;
    }

    /// <summary>
    /// An unsigned key that orders non-NaN scores from the highest to the lowest (-0 and +0 share a key, as they compare equal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint DescendingKey(float score)
    {
        int bits = score == 0f ? 0 : BitConverter.SingleToInt32Bits(score);
        uint ascending = bits >= 0 ? (uint)bits | 0x8000_0000u : ~(uint)bits;
        return ~ascending;
    }

    /// <summary>
    /// One pass over the scores: appends every accepted row that ranks above the running threshold (from
    /// <paramref name="start"/>, every tie included, when <paramref name="bounded"/>), cutting the buffer back to the best k when
    /// full. Returns the entries left in the buffer (more than k possible).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Stream<TFilter>(ReadOnlySpan<float> scores, ReadOnlySpan<int> idRank, int k, ref TFilter filter, int[] rows, float[] kept, int capacity, bool bounded, float start)
        where TFilter : struct, IRowFilter
    {
        int count = 0;
        float threshold = start;
        int thresholdRank = int.MaxValue;
        int n = scores.Length;
        for (int i = 0; i < n; i++)
        {
            if (bounded)
            {
                i = NextAbove(scores, idRank, i, threshold, thresholdRank);
                if (i >= n)
                {
                    break;
                }
            }

            float s = scores[i];
            if (float.IsNaN(s) || (bounded && !(s > threshold || (s == threshold && idRank[i] < thresholdRank))) || !filter.Accept(i))
            {
                continue;
            }

            rows[count] = i;
            kept[count] = s;
            if (++count == capacity)
            {
                count = KeepBest(rows, kept, idRank, count, k);
                bounded = true;
                threshold = kept[k - 1];
                thresholdRank = idRank[rows[k - 1]];
            }
        }

        return count;
    }

    /// <summary>
    /// A score the k-th best is very likely at or above: from <see cref="SampleChunks"/> evenly spaced runs of rows holding about
    /// <see cref="SampleExpected"/> x n / k scores, the one of rank 2 x <see cref="SampleExpected"/> (the sample's count of scores
    /// at or above the true k-th best is about binomial with mean <see cref="SampleExpected"/> and standard deviation 4, so it
    /// reaches twice that in far fewer than 1 % of calls; the caller then runs the unbounded pass; about 2k rows pass the
    /// estimate). Found with a sorted list of the best 2 x <see cref="SampleExpected"/> sample scores so far: a vector of scores
    /// none of which beats the list's last is skipped at once, so after the first few runs almost every score costs one compare.
    /// False when k is too small for a sample to help or the sample holds fewer than 4 x <see cref="SampleExpected"/> scores that
    /// are not NaN.
    /// </summary>
    private static bool EstimateThreshold(ReadOnlySpan<float> scores, int k, out float estimate)
    {
        estimate = float.NegativeInfinity;
        int n = scores.Length;
        long wanted = (long)SampleExpected * n / Math.Max(k, 1);
        if (wanted * SampleFraction > n)
        {
            return false;
        }

        int chunk = (int)((wanted + SampleChunks - 1) / SampleChunks);
        int stride = n / SampleChunks;
        const int Rank = 2 * SampleExpected;
        Span<float> best = stackalloc float[Rank]; // the best sample scores so far, best first
        int have = 0;
        int numbers = 0; // sample scores that are not NaN
        var numberLanes = Vector<int>.Zero; // per lane: minus the count of scores that are not NaN (a true mask is -1)
        for (int c = 0; c < SampleChunks; c++)
        {
            var run = scores.Slice(c * stride, chunk);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int last = run.Length - Vector<float>.Count;
                for (; i <= last; i += Vector<float>.Count)
                {
                    var v = MemoryMarshal.Read<Vector<float>>(MemoryMarshal.AsBytes(run.Slice(i, Vector<float>.Count)));
                    numberLanes += Vector.Equals(v, v);
                    if (have == Rank && Vector.EqualsAll(Vector.GreaterThan(v, new Vector<float>(best[Rank - 1])), Vector<int>.Zero))
                    {
                        continue;
                    }

                    for (int j = 0; j < Vector<float>.Count; j++)
                    {
                        have = Insert(best, have, run[i + j]);
                    }
                }
            }

            for (; i < run.Length; i++)
            {
                float v = run[i];
                numbers += float.IsNaN(v) ? 0 : 1;
                have = Insert(best, have, v);
            }
        }

        numbers -= Vector.Dot(numberLanes, Vector<int>.One);
        if (numbers < 4 * SampleExpected || have < Rank)
        {
            return false;
        }

        estimate = best[Rank - 1];
        return true;
    }

    /// <summary>Adds <paramref name="v"/> to the sorted list (best first) when it belongs in its <c>best.Length</c> entries; NaN never does. Returns the new length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Insert(Span<float> best, int have, float v)
    {
        if (float.IsNaN(v) || (have == best.Length && !(v > best[have - 1])))
        {
            return have;
        }

        int j = have < best.Length ? have++ : have - 1;
        while (j > 0 && best[j - 1] < v)
        {
            best[j] = best[j - 1];
            j--;
        }

        best[j] = v;
        return have;
    }

    /// <summary>
    /// The first index at or after <paramref name="start"/> that ranks above the threshold (a higher score, or the same score and a
    /// lower id rank), or the length; NaN never does. Vectorized where the runtime has hardware vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextAbove(ReadOnlySpan<float> scores, ReadOnlySpan<int> idRank, int start, float threshold, int thresholdRank)
    {
        int i = start;
        if (Vector.IsHardwareAccelerated)
        {
            var t = new Vector<float>(threshold);
            var tr = new Vector<int>(thresholdRank);
            int last = scores.Length - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                var v = MemoryMarshal.Read<Vector<float>>(MemoryMarshal.AsBytes(scores.Slice(i, Vector<float>.Count)));
                var above = Vector.GreaterThan(v, t);
                var tied = Vector.Equals(v, t);
                if (!Vector.EqualsAll(above, Vector<int>.Zero)
                    || (!Vector.EqualsAll(tied, Vector<int>.Zero)
                        && !Vector.EqualsAll(tied & Vector.LessThan(MemoryMarshal.Read<Vector<int>>(MemoryMarshal.AsBytes(idRank.Slice(i, Vector<int>.Count))), tr), Vector<int>.Zero)))
                {
                    break;
                }
            }
        }

        for (; i < scores.Length; i++)
        {
            float s = scores[i];
            if (s > threshold || (s == threshold && idRank[i] < thresholdRank))
            {
                return i;
            }
        }

        return i;
    }

    /// <summary>
    /// Moves the best <paramref name="k"/> of the first <paramref name="count"/> entries to the front, the k-th best at k - 1
    /// (quickselect, median-of-three pivots; deterministic). Returns k.
    /// </summary>
    private static int KeepBest(int[] rows, float[] scores, ReadOnlySpan<int> idRank, int count, int k)
    {
        int lo = 0, hi = count - 1;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (Better(scores[mid], rows[mid], scores[lo], rows[lo], idRank))
            {
                Swap(rows, scores, mid, lo);
            }

            if (Better(scores[hi], rows[hi], scores[lo], rows[lo], idRank))
            {
                Swap(rows, scores, hi, lo);
            }

            if (Better(scores[hi], rows[hi], scores[mid], rows[mid], idRank))
            {
                Swap(rows, scores, hi, mid);
            }

            // Now lo >= mid >= hi in rank order; partition around mid's entry (best first).
            float ps = scores[mid];
            int pr = rows[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (Better(scores[i], rows[i], ps, pr, idRank))
                {
                    i++;
                }

                while (Better(ps, pr, scores[j], rows[j], idRank))
                {
                    j--;
                }

                if (i <= j)
                {
                    Swap(rows, scores, i, j);
                    i++;
                    j--;
                }
            }

            if (k - 1 <= j)
            {
                hi = j;
            }
            else if (k - 1 >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return k;
    }

    /// <summary>True when (sa, ra) ranks above (sb, rb).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Better(float sa, int ra, float sb, int rb, ReadOnlySpan<int> idRank) =>
        sa > sb || (sa == sb && idRank[ra] < idRank[rb]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(int[] rows, float[] sc, int a, int b)
    {
        (rows[a], rows[b]) = (rows[b], rows[a]);
        (sc[a], sc[b]) = (sc[b], sc[a]);
    }
}
