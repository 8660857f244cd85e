using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EmbeddedReco.Common;

namespace EmbeddedReco.Scoring;

/// <summary>
/// The blend's inner loops for the engine's own scorers (whose values are never <see cref="ScorerContract.Exclude"/>): vectorized
/// where the runtime has hardware vectors, scalar elsewhere (classic Mono, IL2CPP). Each lane does the same IEEE operations in the
/// same order as the scalar loop (a multiply, then an add; never fused), so both paths give bit-identical sums. With
/// <c>first</c> the sums are not read: each is written as 0 + the term (the same bits as clearing the sums, then adding).
/// </summary>
internal static class BlendKernels
{
    /// <summary>sums[i] += weight x values[i] (sums[i] = 0 + weight x values[i] when <paramref name="first"/>).</summary>
    [MethodImpl(HotPath.Optimize)]
    public static void Add(ReadOnlySpan<float> values, float weight, Span<float> sums, bool first = false)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var v = MemoryMarshal.Cast<float, Vector<float>>(values);
            var s = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var w = new Vector<float>(weight);
            if (first)
            {
                for (int k = 0; k < v.Length; k++)
                {
                    s[k] = Vector<float>.Zero + (w * v[k]);
                }
            }
            else
            {
                for (int k = 0; k < v.Length; k++)
                {
                    s[k] = s[k] + (w * v[k]);
                }
            }

            i = v.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            sums[i] = (first ? 0f : sums[i]) + (weight * values[i]);
        }
    }

    /// <summary>sums[i] += weight x ((raw[i] - min) x scale): a min-max normalization fused into the blend (written as 0 + the
    /// term when <paramref name="first"/>).</summary>
    [MethodImpl(HotPath.Optimize)]
    public static void AddAffine(ReadOnlySpan<float> raw, float min, float scale, float weight, Span<float> sums, bool first = false)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && raw.Length >= Vector<float>.Count)
        {
            var v = MemoryMarshal.Cast<float, Vector<float>>(raw);
            var s = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var w = new Vector<float>(weight);
            var lo = new Vector<float>(min);
            var sc = new Vector<float>(scale);
            if (first)
            {
                for (int k = 0; k < v.Length; k++)
                {
                    s[k] = Vector<float>.Zero + (w * ((v[k] - lo) * sc));
                }
            }
            else
            {
                for (int k = 0; k < v.Length; k++)
                {
                    s[k] = s[k] + (w * ((v[k] - lo) * sc));
                }
            }

            i = v.Length * Vector<float>.Count;
        }

        for (; i < raw.Length; i++)
        {
            sums[i] = (first ? 0f : sums[i]) + (weight * ((raw[i] - min) * scale));
        }
    }
}
