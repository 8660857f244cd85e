using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EmbeddedReco.Common;

namespace EmbeddedReco.Scoring;

/// <summary>
/// The blend's inner loops for the engine's own scorers (whose values are never <see cref="ScorerContract.Exclude"/>): vectorized
/// where the runtime has hardware vectors, scalar elsewhere (classic Mono, IL2CPP). Each lane does the same IEEE operations in the
/// same order as the scalar loop (a multiply, then an add; never fused), so both paths give bit-identical sums.
/// </summary>
internal static class BlendKernels
{
    /// <summary>sums[i] += weight x values[i].</summary>
    [MethodImpl(HotPath.Optimize)]
    public static void Add(ReadOnlySpan<float> values, float weight, Span<float> sums)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var v = MemoryMarshal.Cast<float, Vector<float>>(values);
            var s = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var w = new Vector<float>(weight);
            for (int k = 0; k < v.Length; k++)
            {
                s[k] = s[k] + (w * v[k]);
            }

            i = v.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            sums[i] = sums[i] + (weight * values[i]);
        }
    }

    /// <summary>sums[i] += weight x ((raw[i] - min) x scale): a min-max normalization fused into the blend.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static void AddAffine(ReadOnlySpan<float> raw, float min, float scale, float weight, Span<float> sums)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && raw.Length >= Vector<float>.Count)
        {
            var v = MemoryMarshal.Cast<float, Vector<float>>(raw);
            var s = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var w = new Vector<float>(weight);
            var lo = new Vector<float>(min);
            var sc = new Vector<float>(scale);
            for (int k = 0; k < v.Length; k++)
            {
                s[k] = s[k] + (w * ((v[k] - lo) * sc));
            }

            i = v.Length * Vector<float>.Count;
        }

        for (; i < raw.Length; i++)
        {
            sums[i] = sums[i] + (weight * ((raw[i] - min) * scale));
        }
    }
}
