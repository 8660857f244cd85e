using System;
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
/// Top-k selection without sorting the catalog: a bounded min-heap whose root is the worst kept entry, so almost every row is
/// rejected by one comparison. Order: higher score first, ties broken by ordinal item id (through the catalog's precomputed id
/// rank, an int comparison), NaN never selected.
/// The filter is a struct type parameter so the JIT inlines it and nothing is allocated.
/// </summary>
internal static class TopK
{
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

        int count = 0;
        float rootScore = float.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            Offer(i, scores[i], idRank, k, ref filter, rowsOut, scoresOut, ref count, ref rootScore);
        }

        return Finish(rowsOut, scoresOut, idRank, count);
    }

    /// <summary>
    /// <see cref="Select"/> over the listed <paramref name="rows"/> only (scores read at those rows): the same order and the
    /// same result as selecting over a score array that is NaN everywhere else.
    /// </summary>
    public static int SelectRows<TFilter>(
        ReadOnlySpan<int> rows,
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

        int count = 0;
        float rootScore = float.NegativeInfinity;
        foreach (int row in rows)
        {
            Offer(row, scores[row], idRank, k, ref filter, rowsOut, scoresOut, ref count, ref rootScore);
        }

        return Finish(rowsOut, scoresOut, idRank, count);
    }

    /// <summary>One row through the bounded heap: rejected by one comparison unless it beats the worst kept entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer<TFilter>(int i, float s, ReadOnlySpan<int> idRank, int k, ref TFilter filter, Span<int> rowsOut, Span<float> scoresOut, ref int count, ref float rootScore)
        where TFilter : struct, IRowFilter
    {
        if (count == k)
        {
            // Fast reject: worse than the worst kept entry (ties need the id comparison below).
            if (!(s >= rootScore))
            {
                return;
            }

            if (s == rootScore && idRank[i] > idRank[rowsOut[0]])
            {
                return;
            }
        }
        else if (float.IsNaN(s))
        {
            return;
        }

        if (!filter.Accept(i))
        {
            return;
        }

        if (count < k)
        {
            rowsOut[count] = i;
            scoresOut[count] = s;
            SiftUp(rowsOut, scoresOut, idRank, count);
            count++;
        }
        else
        {
            rowsOut[0] = i;
            scoresOut[0] = s;
            SiftDown(rowsOut, scoresOut, idRank, 0, count);
        }

        rootScore = scoresOut[0];
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

    private static void SiftUp(Span<int> rows, Span<float> sc, ReadOnlySpan<int> ids, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            // Min-heap by rank: the parent must be worse than (or equal to) the child.
            if (Better(sc[parent], rows[parent], sc[i], rows[i], ids))
            {
                Swap(rows, sc, parent, i);
                i = parent;
            }
            else
            {
                break;
            }
        }
    }

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
    private static void Swap(Span<int> rows, Span<float> sc, int a, int b)
    {
        (rows[a], rows[b]) = (rows[b], rows[a]);
        (sc[a], sc[b]) = (sc[b], sc[a]);
    }
}
