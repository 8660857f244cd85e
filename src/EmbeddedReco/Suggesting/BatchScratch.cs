using System;
using EmbeddedReco.Common;

namespace EmbeddedReco.Suggesting;

/// <summary>
/// Per-thread working memory of <c>SuggestMany</c>: each player's profile (float and quantized) and content scores from the
/// shared catalog scan. Grown with the catalog, then reused (allocation-free in steady state). One instance per thread.
/// </summary>
internal sealed class BatchScratch
{
    [ThreadStatic]
    private static BatchScratch? t_current;

    public readonly float[][] Queries = new float[Suggester.MaxBatch][];
    public readonly short[][] QueryCodes = new short[Suggester.MaxBatch][];
    public readonly float[][] Raws = new float[Suggester.MaxBatch][];
    public readonly float[] Mins = new float[Suggester.MaxBatch];
    public readonly float[] Maxs = new float[Suggester.MaxBatch];

    /// <summary>Slot of each batch position's scan, or -1 (no profile: nothing to scan).</summary>
    public readonly int[] SlotOfPlayer = new int[Suggester.MaxBatch];

    public UserHistoryEntry[] History = Array.Empty<UserHistoryEntry>();
    public int[] Excluded = Array.Empty<int>();

    private BatchScratch()
    {
        for (int i = 0; i < Suggester.MaxBatch; i++)
        {
            Queries[i] = Array.Empty<float>();
            QueryCodes[i] = Array.Empty<short>();
            Raws[i] = Array.Empty<float>();
        }
    }

    /// <summary>
    /// The calling thread's instance, grown for <paramref name="items"/> rows of <paramref name="dimensions"/>, the player-read
    /// buffers included (<see cref="Profiles.UserState.SizeReadBuffers"/>).
    /// </summary>
    public static BatchScratch For(int items, int dimensions)
    {
        var s = t_current ??= new BatchScratch();
        Profiles.UserState.SizeReadBuffers(ref s.History, ref s.Excluded, items);
        for (int i = 0; i < Suggester.MaxBatch; i++)
        {
            ScratchArray.Grow(ref s.Queries[i], dimensions);
            ScratchArray.Grow(ref s.QueryCodes[i], dimensions);
        }

        return s;
    }

    /// <summary>Grows the score array of scan slot <paramref name="slot"/> (only slots in use pay for a large catalog).</summary>
    public void GrowRaw(int slot, int items) => ScratchArray.Grow(ref Raws[slot], items);
}
