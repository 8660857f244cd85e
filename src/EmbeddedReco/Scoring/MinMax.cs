using System;

namespace EmbeddedReco.Scoring;

/// <summary>
/// The one min-max normalization: <c>(v - min) * Scale(min, max)</c> maps the values onto 0..target (every value 0 when they are
/// all equal). Used by the scoring pipeline (per scorer), the collaborative scorer (self-normalized) and MMR (relevance).
/// </summary>
internal static class MinMax
{
    /// <summary>The lowest and highest values; NaN never becomes a bound; (+inf, -inf) when there is none.</summary>
    public static void Range(ReadOnlySpan<float> values, out float min, out float max) => Range(values, float.NaN, out min, out max);

    /// <summary>The lowest and highest values other than <paramref name="skip"/> (NaN: skip nothing); NaN never becomes a bound;
    /// (+inf, -inf) when there is none.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    public static void Range(ReadOnlySpan<float> values, float skip, out float min, out float max)
    {
        min = float.PositiveInfinity;
        max = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v == skip)
            {
                continue;
            }

            min = v < min ? v : min;
            max = v > max ? v : max;
        }
    }

    /// <summary>The factor mapping [min, max] onto [0, target]; 0 when the range is empty or a single value.</summary>
    public static float Scale(float min, float max, float target = 1f) => max > min ? target / (max - min) : 0f;
}
