using System;

namespace EmbeddedReco.Scoring;

/// <summary>Content similarity: cosine of the player's normalized profile and each normalized item row (SIMD). Abstains without a profile.</summary>
internal sealed class ContentScorer : IScorer
{
    public string Name => ScorerContract.Content;

    public bool Score(in ScoringContext context, Span<float> scores)
    {
        if (!context.HasProfile)
        {
            return false;
        }

        VectorKernels.DotRows(context.ItemMatrix, context.Dimensions, context.ProfileVector, scores);
        return true;
    }
}

/// <summary>
/// Popularity: log2 of the item's time-decayed positive engagement. Log scale, so a blockbuster does not flatten every other
/// item after min-max normalization; items without engagement score one below the least engaged item. Abstains when no item
/// has engagement yet.
/// </summary>
internal sealed class PopularityScorer : IScorer
{
    public string Name => ScorerContract.Popularity;

    public bool Score(in ScoringContext context, Span<float> scores)
    {
        var counters = context.Counters;
        double min = double.PositiveInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            double v = counters.PopularityLog2(i);
            if (!double.IsNegativeInfinity(v) && v < min)
            {
                min = v;
            }
        }

        if (double.IsPositiveInfinity(min))
        {
            return false;
        }

        // Values are relative to the fixed epoch; shift by the minimum so floats keep their precision.
        for (int i = 0; i < scores.Length; i++)
        {
            double v = counters.PopularityLog2(i);
            scores[i] = double.IsNegativeInfinity(v) ? -1f : (float)(v - min);
        }

        return true;
    }
}
