using System;
using System.Numerics.Tensors;
#if NET
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace EmbeddedReco.Collaborative;

/// <summary>
/// Four dot products that share one operand, all inside one array: d_q = a[x..x+len) · a[r_q..r_q+len). Loading the shared
/// operand once for four rows cuts memory traffic of the dense inverse by about a third. Vector256 (with FMA when available) on
/// net10.0; TensorPrimitives elsewhere and for short lengths.
/// </summary>
internal static class DotKernels
{
    public static void Dot4(float[] a, int x, int r0, int r1, int r2, int r3, int len, out float d0, out float d1, out float d2, out float d3)
    {
#if NET
        if (Vector256.IsHardwareAccelerated && len >= Vector256<float>.Count)
        {
            Dot4Vector256(a, x, r0, r1, r2, r3, len, out d0, out d1, out d2, out d3);
            return;
        }
#endif
        Dot4Portable(a, x, r0, r1, r2, r3, len, out d0, out d1, out d2, out d3);
    }

    internal static void Dot4Portable(float[] a, int x, int r0, int r1, int r2, int r3, int len, out float d0, out float d1, out float d2, out float d3)
    {
        ReadOnlySpan<float> s = a.AsSpan(x, len);
        d0 = TensorPrimitives.Dot(s, a.AsSpan(r0, len));
        d1 = TensorPrimitives.Dot(s, a.AsSpan(r1, len));
        d2 = TensorPrimitives.Dot(s, a.AsSpan(r2, len));
        d3 = TensorPrimitives.Dot(s, a.AsSpan(r3, len));
    }

#if NET
    internal static void Dot4Vector256(float[] a, int x, int r0, int r1, int r2, int r3, int len, out float d0, out float d1, out float d2, out float d3)
    {
        // Bounds are checked once here; the loop then reads through unchecked references.
        if (x < 0 || r0 < 0 || r1 < 0 || r2 < 0 || r3 < 0 || len < 0
            || (long)x + len > a.Length || (long)r0 + len > a.Length || (long)r1 + len > a.Length
            || (long)r2 + len > a.Length || (long)r3 + len > a.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(len), "A dot-product range is outside the array.");
        }

        ref float b = ref MemoryMarshal.GetArrayDataReference(a);
        ref float px = ref Unsafe.Add(ref b, x);
        ref float p0 = ref Unsafe.Add(ref b, r0);
        ref float p1 = ref Unsafe.Add(ref b, r1);
        ref float p2 = ref Unsafe.Add(ref b, r2);
        ref float p3 = ref Unsafe.Add(ref b, r3);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int end = len - (len % Vector256<float>.Count);
        int i = 0;
        if (Fma.IsSupported)
        {
            for (; i < end; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref px, (nuint)i);
                a0 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref p0, (nuint)i), a0);
                a1 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref p1, (nuint)i), a1);
                a2 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref p2, (nuint)i), a2);
                a3 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref p3, (nuint)i), a3);
            }
        }
        else
        {
            for (; i < end; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref px, (nuint)i);
                a0 += v * Vector256.LoadUnsafe(ref p0, (nuint)i);
                a1 += v * Vector256.LoadUnsafe(ref p1, (nuint)i);
                a2 += v * Vector256.LoadUnsafe(ref p2, (nuint)i);
                a3 += v * Vector256.LoadUnsafe(ref p3, (nuint)i);
            }
        }

        float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; i < len; i++)
        {
            float v = Unsafe.Add(ref px, i);
            s0 += v * Unsafe.Add(ref p0, i);
            s1 += v * Unsafe.Add(ref p1, i);
            s2 += v * Unsafe.Add(ref p2, i);
            s3 += v * Unsafe.Add(ref p3, i);
        }

        d0 = s0;
        d1 = s1;
        d2 = s2;
        d3 = s3;
    }
#endif
}
