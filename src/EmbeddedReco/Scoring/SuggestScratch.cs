using System;

namespace EmbeddedReco.Scoring;

/// <summary>
/// Per-thread working memory of <c>Suggest</c>: grown when the catalog or the request grows, then reused, so a steady-state call
/// allocates nothing. One instance per thread, never shared.
/// </summary>
internal sealed class SuggestScratch
{
    [ThreadStatic]
    private static SuggestScratch? t_current;

    public float[] Scores = Array.Empty<float>();
    public float[] Query = Array.Empty<float>();
    public int[] Rows = Array.Empty<int>();
    public float[] TopScores = Array.Empty<float>();

    public static SuggestScratch For(int items, int dimensions, int k)
    {
        var s = t_current ??= new SuggestScratch();
        if (s.Scores.Length < items)
        {
            s.Scores = new float[Math.Max(items, s.Scores.Length * 2)];
        }

        if (s.Query.Length < dimensions)
        {
            s.Query = new float[dimensions];
        }

        if (s.Rows.Length < k)
        {
            s.Rows = new int[Math.Max(k, 16)];
            s.TopScores = new float[s.Rows.Length];
        }

        return s;
    }
}
