using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace EmbeddedReco.Scoring;

/// <summary>Decides whether a catalog row may enter a result list (not consumed, not excluded, ...).</summary>
internal interface IRowFilter
{
    bool Accept(int row);
}

/// <summary>Accepts every row.</summary>
internal struct AcceptAll : IRowFilter
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accept(int row) => true;
}

/// <summary>
/// Top-k selection without sorting the catalog. Order: higher score first, ties broken by ordinal item id (through the catalog's
/// precomputed id rank, an int comparison), NaN never selected. <see cref="Select"/> streams the scores against a running threshold:
/// rows that cannot enter are skipped a vector at a time (score below the threshold, or equal with a later id), the others are
/// appended to a buffer of 2k that is cut back to the best k (a quickselect) when full, which raises the threshold; the k kept are
/// sorted at the end. The filter is a struct type parameter so the JIT inlines it and nothing is allocated (per-thread buffers).
/// </summary>
internal static class TopK
{
    [ThreadStatic]
    private static int[]? t_rows;

    [ThreadStatic]
    private static float[]? t_scores;

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
        where TFilter : struct, IRowFilter
    {
        if (k <= 0)
        {
            return 0;
        }

        int capacity = Math.Max(2 * k, k + 64);
        var rows = t_rows is { } r && r.Length >= capacity ? r : (t_rows = new int[capacity]);
        var kept = t_scores is { } f && f.Length >= capacity ? f : (t_scores = new float[capacity]);
        int count = 0;
        bool bounded = false;
        float threshold = float.NegativeInfinity;
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

        if (count > k)
        {
            count = KeepBest(rows, kept, idRank, count, k);
        }

        SortBestFirst(rows, kept, idRank, count);
        rows.AsSpan(0, count).CopyTo(rowsOut);
        kept.AsSpan(0, count).CopyTo(scoresOut);
        return count;
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

    /// <summary>Sorts the first <paramref name="count"/> entries best first (heap sort: no allocation, no recursion).</summary>
    private static void SortBestFirst(int[] rows, float[] scores, ReadOnlySpan<int> idRank, int count)
    {
        var r = rows.AsSpan(0, count);
        var sc = scores.AsSpan(0, count);
        for (int i = (count >> 1) - 1; i >= 0; i--)
        {
            SiftDown(r, sc, idRank, i, count);
        }

        Finish(r, sc, idRank, count);
    }

    /// <summary>Heap sort: repeatedly moves the worst to the end, leaving the best first. Returns <paramref name="count"/>.</summary>
    private static int Finish(Span<int> rowsOut, Span<float> scoresOut, ReadOnlySpan<int> idRank, int count)
    {
        for (int end = count - 1; end > 0; end--)
        {
            Swap(rowsOut, scoresOut, 0, end);
            SiftDown(rowsOut, scoresOut, idRank, 0, end);
        }

        return count;
    }

    /// <summary>True when (sa, ra) ranks above (sb, rb).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Better(float sa, int ra, float sb, int rb, ReadOnlySpan<int> idRank) =>
        sa > sb || (sa == sb && idRank[ra] < idRank[rb]);

    private static void SiftDown(Span<int> rows, Span<float> sc, ReadOnlySpan<int> ids, int i, int count)
    {
        while (true)
        {
            int left = (2 * i) + 1;
            if (left >= count)
            {
                return;
            }

            int worst = left;
            int right = left + 1;
            if (right < count && Better(sc[left], rows[left], sc[right], rows[right], ids))
            {
                worst = right;
            }

            if (Better(sc[i], rows[i], sc[worst], rows[worst], ids))
            {
                Swap(rows, sc, i, worst);
                i = worst;
            }
            else
            {
                return;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(int[] rows, float[] sc, int a, int b)
    {
        (rows[a], rows[b]) = (rows[b], rows[a]);
        (sc[a], sc[b]) = (sc[b], sc[a]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(Span<int> rows, Span<float> sc, int a, int b)
    {
        (rows[a], rows[b]) = (rows[b], rows[a]);
        (sc[a], sc[b]) = (sc[b], sc[a]);
    }
}
