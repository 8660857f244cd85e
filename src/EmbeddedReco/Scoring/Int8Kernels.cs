using System;

namespace EmbeddedReco.Scoring;

/// <summary>TEMPORARY scalar placeholder (replaced by the int8 kernels branch).</summary>
internal static class Int8Kernels
{
    public static void QuantizeRows(ReadOnlySpan<float> matrix, int dimensions, Span<sbyte> codes, Span<float> scales)
    {
        for (int r = 0; r < scales.Length; r++)
        {
            var row = matrix.Slice(r * dimensions, dimensions);
            float max = 0;
            foreach (float v in row)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            float scale = max / 127f;
            scales[r] = scale;
            for (int d = 0; d < dimensions; d++)
            {
                codes[(r * dimensions) + d] = scale == 0 ? (sbyte)0 : (sbyte)Math.Max(-127, Math.Min(127, Math.Round(row[d] / scale)));
            }
        }
    }

    public static float QuantizeQuery(ReadOnlySpan<float> query, Span<short> codes)
    {
        float max = 0;
        foreach (float v in query)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        int qmax = (int)Math.Min(32767, int.MaxValue / (127L * Math.Max(1, query.Length)));
        float scale = max / qmax;
        for (int d = 0; d < query.Length; d++)
        {
            codes[d] = scale == 0 ? (short)0 : (short)Math.Max(-qmax, Math.Min(qmax, Math.Round(query[d] / scale)));
        }

        return scale;
    }

    public static void DotRows(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores)
    {
        for (int r = 0; r < scores.Length; r++)
        {
            int acc = 0;
            int o = r * dimensions;
            for (int d = 0; d < dimensions; d++)
            {
                acc += codes[o + d] * query[d];
            }

            scores[r] = acc * (rowScales[r] * queryScale);
        }
    }
}
