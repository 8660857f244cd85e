using System;

namespace EmbeddedReco.Scoring;

/// <summary>
/// Per-thread working memory of <c>Suggest</c>: grown when the catalog, the request or the player's history grows, then reused,
/// so a steady-state call allocates nothing. One instance per thread, never shared.
/// </summary>
internal sealed class SuggestScratch
{
    [ThreadStatic]
    private static SuggestScratch? t_current;

    public float[] Blended = Array.Empty<float>();
    public float[][] PerScorer = Array.Empty<float[]>();
    public float[] WeightsUsed = Array.Empty<float>();
    public float[] Aux = Array.Empty<float>();
    public float[] Query = Array.Empty<float>();
    public UserHistoryEntry[] History = Array.Empty<UserHistoryEntry>();
    public int[] ModelItems = Array.Empty<int>();
    public float[] ModelWeights = Array.Empty<float>();
    public int[] ExcludedRows = Array.Empty<int>();
    public string[] RecentIds = Array.Empty<string>();
    public int[] PenalizedRows = Array.Empty<int>();
    public int[] Candidates = Array.Empty<int>();
    public float[] CandidateScores = Array.Empty<float>();
    public float[] MmrRelevance = Array.Empty<float>();
    public float[] MmrMaxSim = Array.Empty<float>();
    public bool[] MmrTaken = Array.Empty<bool>();
    public int[] Picked = Array.Empty<int>();
    public int[] PoolRows = Array.Empty<int>();
    public double[] PoolWeights = Array.Empty<double>();
    public float[] PoolScores = Array.Empty<float>();
    public string[] TagNames = new string[64];
    public int[] TagCounts = new int[64];

    public static SuggestScratch For(int items, int dimensions, int scorers, int candidates, int count)
    {
        var s = t_current ??= new SuggestScratch();
        Grow(ref s.Blended, items);
        Grow(ref s.Aux, items);
        Grow(ref s.Query, dimensions);
        Grow(ref s.WeightsUsed, scorers);
        if (s.PerScorer.Length < scorers)
        {
            Array.Resize(ref s.PerScorer, scorers);
        }

        for (int i = 0; i < scorers; i++)
        {
            s.PerScorer[i] ??= Array.Empty<float>();
            Grow(ref s.PerScorer[i], items);
        }

        Grow(ref s.Candidates, candidates);
        Grow(ref s.CandidateScores, candidates);
        Grow(ref s.MmrRelevance, candidates);
        Grow(ref s.MmrMaxSim, candidates);
        Grow(ref s.MmrTaken, candidates);
        Grow(ref s.PoolRows, candidates * 2);
        Grow(ref s.PoolWeights, candidates * 2);
        Grow(ref s.Picked, count);
        return s;
    }

    public static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, Math.Min(array.Length * 2, length + 1024))];
        }
    }
}
