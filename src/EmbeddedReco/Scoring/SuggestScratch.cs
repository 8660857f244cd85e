using System;
using EmbeddedReco.Common;

namespace EmbeddedReco.Scoring;

/// <summary>
/// Per-thread working memory of <c>Suggest</c>'s player read and scoring (the list policy has its own,
/// <see cref="Policy.PolicyScratch"/>): grown when the catalog or the player's history grows, then reused, so a steady-state call
/// allocates nothing. One instance per thread, never shared.
/// </summary>
internal sealed class SuggestScratch
{
    [ThreadStatic]
    private static SuggestScratch? t_current;

    public float[] Blended = Array.Empty<float>();
    public float[][] PerScorer = Array.Empty<float[]>();
    public float[] WeightsUsed = Array.Empty<float>();
    public float[] Query = Array.Empty<float>();
    public UserHistoryEntry[] History = Array.Empty<UserHistoryEntry>();
    public int[] ModelItems = Array.Empty<int>();
    public float[] ModelWeights = Array.Empty<float>();
    public int[] ExcludedRows = Array.Empty<int>();

    public static SuggestScratch For(int items, int dimensions, int scorers)
    {
        var s = t_current ??= new SuggestScratch();
        ScratchArray.Grow(ref s.Blended, items);
        ScratchArray.Grow(ref s.Query, dimensions);
        ScratchArray.Grow(ref s.WeightsUsed, scorers);
        if (s.PerScorer.Length < scorers)
        {
            Array.Resize(ref s.PerScorer, scorers);
        }

        for (int i = 0; i < scorers; i++)
        {
            s.PerScorer[i] ??= Array.Empty<float>();
            ScratchArray.Grow(ref s.PerScorer[i], items);
        }

        return s;
    }
}
