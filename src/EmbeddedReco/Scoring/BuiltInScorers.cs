using System;
using System.Runtime.CompilerServices;
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
internal sealed class PopularityScorer : IScorer
{
    public string Name => ScorerContract.Popularity;

    public bool Score(in ScoringContext context, Span<float> scores)
    {
        var counters = context.Counters;

        // The per-item read is on the hot path: in a 64-bit process plain loads are atomic, so read the array as before;
        // elsewhere (ARMv7 IL2CPP, x86) read each value atomically. Each reader is a struct, so each loop is specialized.
        return MutableItemCounters.PlainReadsAreAtomic
            ? Score(new ArrayReader(counters.PopularityLog2Buffer), scores)
            : Score(new AtomicReader(counters), scores);
    }

    private static bool Score<TReader>(TReader log2, Span<float> scores)
        where TReader : struct, ILog2Reader
    {
        double min = double.PositiveInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            double v = log2.Read(i);
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
            double v = log2.Read(i);
            scores[i] = double.IsNegativeInfinity(v) ? -1f : (float)(v - min);
        }

        return true;
    }

    /// <summary>Reads one row's log2 popularity.</summary>
    private interface ILog2Reader
    {
        double Read(int row);
    }

    /// <summary>Plain loads (atomic in a 64-bit process).</summary>
    private readonly struct ArrayReader : ILog2Reader
    {
        private readonly double[] _values;

        public ArrayReader(double[] values) => _values = values;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Read(int row) => _values[row];
    }

    /// <summary>Atomic loads (32-bit processes).</summary>
    private readonly struct AtomicReader : ILog2Reader
    {
        private readonly MutableItemCounters _counters;

        public AtomicReader(MutableItemCounters counters) => _counters = counters;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Read(int row) => _counters.PopularityLog2(row);
    }
}
