using System;
using EmbeddedReco.Catalog;

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
internal sealed class PopularityScorer : IScorer, IEngineScorer
{
    public string Name => ScorerContract.Popularity;

    /// <summary>A per-thread copy of the counters for processes where a plain load of a double may tear (32-bit).</summary>
    [ThreadStatic]
    private static double[]? t_log2;

    /// <summary>Outside the engine there are no live counters to read: abstains.</summary>
    public bool Score(in ScoringContext context, Span<float> scores) => false;

    public bool Score(in ScoringContext context, in EngineInputs inputs, Span<float> scores) => Fill(inputs.Catalog.Counters, scores);

    /// <summary>Writes every row's score (before the pipeline's min-max); false when no item has engagement yet.</summary>
    public static bool Fill(MutableItemCounters counters, Span<float> scores)
    {
        // In a 64-bit process plain loads are atomic, so the loop reads the live array; elsewhere (ARMv7 IL2CPP, x86) each value
        // is first copied atomically into a per-thread buffer.
        ReadOnlySpan<double> log2;
        if (MutableItemCounters.PlainReadsAreAtomic)
        {
            log2 = counters.PopularityLog2Buffer;
        }
        else
        {
            var copy = t_log2 is { } buffer && buffer.Length >= counters.Count ? buffer : (t_log2 = new double[counters.Count]);
            counters.CopyPopularityLog2(copy);
            log2 = copy;
        }

        return Normalize(log2, scores);
    }

    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    private static bool Normalize(ReadOnlySpan<double> log2, Span<float> scores)
    {
        double min = double.PositiveInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            double v = log2[i];
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
            double v = log2[i];
            scores[i] = double.IsNegativeInfinity(v) ? -1f : (float)(v - min);
        }

        return true;
    }
}
