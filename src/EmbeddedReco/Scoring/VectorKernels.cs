using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace EmbeddedReco.Scoring;

/// <summary>
/// SIMD similarity kernels. Rows are stored normalized, so a dot product is a cosine. On net10.0 a hand-written
/// Vector256 kernel scores four rows per step with the query chunk shared between them; elsewhere (netstandard2.1, Unity)
/// and when 256-bit vectors are not accelerated, <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row.
/// On runtimes without hardware vectors (<see cref="System.Numerics.Vector.IsHardwareAccelerated"/> false: classic Mono, IL2CPP,
/// <c>DOTNET_EnableHWIntrinsic=0</c>) TensorPrimitives falls back to emulated vectors that are slower than plain code, so an unrolled
/// scalar loop scores the rows instead (<see cref="DotRowsUnrolled"/>; measured in docs/PERFORMANCE.md, "Mono").
/// </summary>
internal static class VectorKernels
{
    /// <summary>Detected once: no hardware vectors, so the scalar kernel is the fastest.</summary>
    internal static readonly bool ScalarRuntime = !System.Numerics.Vector.IsHardwareAccelerated;

    /// <summary>scores[r] = dot(matrix row r, query) for every row of a row-major matrix.</summary>
    public static void DotRows(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores) =>
        DotRows(matrix, dimensions, query, scores, prefetch: true);

    /// <summary>
    /// <see cref="DotRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/> with the Vector256 kernel's prefetch
    /// (<see cref="Prefetch"/>) on or off: off for rows already in the caches (a block several queries read in turn). Same results.
    /// </summary>
    [MethodImpl(Common.HotPath.Optimize)]
    public static void DotRows(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores, bool prefetch)
    {
        int rows = scores.Length;
        if (query.Length != dimensions || matrix.Length < rows * dimensions)
        {
            throw new ArgumentException("Matrix, query and score lengths do not agree.");
        }

#if NET
        if (Vector256.IsHardwareAccelerated && dimensions >= Vector256<float>.Count)
        {
            DotRowsVector256(matrix, dimensions, query, scores, prefetch);
            return;
        }
#endif
        if (ScalarRuntime)
        {
            DotRowsUnrolled(matrix, dimensions, query, scores);
            return;
        }

        DotRowsTensorPrimitives(matrix, dimensions, query, scores);
    }

    /// <summary>
    /// scores[i] = dot(row <paramref name="rows"/>[i] of a row-major matrix, query): the same bits as <see cref="DotRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/>
    /// gives each of those rows (the rescoring of scattered candidates). With Vector256, four rows per step (independent
    /// accumulators, each row's operations in the same order as the scan's); elsewhere one <see cref="Dot"/> per row.
    /// </summary>
    [MethodImpl(Common.HotPath.Optimize)]
    public static void DotRowsAt(float[] matrix, int dimensions, ReadOnlySpan<int> rows, ReadOnlySpan<float> query, Span<float> scores)
    {
        if (query.Length != dimensions || scores.Length < rows.Length)
        {
            throw new ArgumentException("Query and score lengths do not agree.");
        }

        uint matrixRows = (uint)(matrix.Length / Math.Max(1, dimensions));
        foreach (int row in rows)
        {
            if ((uint)row >= matrixRows)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, "A row is outside the matrix.");
            }
        }

#if NET
        if (Vector256.IsHardwareAccelerated && dimensions >= Vector256<float>.Count)
        {
            DotRowsAtVector256(matrix, dimensions, rows, query, scores);
            return;
        }
#endif
        for (int i = 0; i < rows.Length; i++)
        {
            scores[i] = Dot(matrix.AsSpan(rows[i] * dimensions, dimensions), query);
        }
    }

    /// <summary>Scalar path for runtimes without hardware vectors: four independent accumulators per row, pointers (no bounds checks).</summary>
    [MethodImpl(Common.HotPath.Optimize)]
    internal static unsafe void DotRowsUnrolled(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores)
    {
        int rows = scores.Length;
        int blocked = dimensions & ~3;
        fixed (float* m0 = matrix)
        fixed (float* q = query)
        fixed (float* s = scores)
        {
            float* row = m0;
            for (int r = 0; r < rows; r++, row += dimensions)
            {
                float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                int d = 0;
                for (; d < blocked; d += 4)
                {
                    a0 += row[d] * q[d];
                    a1 += row[d + 1] * q[d + 1];
                    a2 += row[d + 2] * q[d + 2];
                    a3 += row[d + 3] * q[d + 3];
                }

                for (; d < dimensions; d++)
                {
                    a0 += row[d] * q[d];
                }

                s[r] = (a0 + a1) + (a2 + a3);
            }
        }
    }

    /// <summary>Portable path: one TensorPrimitives call per row.</summary>
    internal static void DotRowsTensorPrimitives(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores)
    {
        for (int r = 0; r < scores.Length; r++)
        {
            scores[r] = TensorPrimitives.Dot(matrix.Slice(r * dimensions, dimensions), query);
        }
    }

    /// <summary>Scalar reference used by the tests (double accumulation).</summary>
    internal static void DotRowsScalar(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores)
    {
        for (int r = 0; r < scores.Length; r++)
        {
            double sum = 0;
            int o = r * dimensions;
            for (int d = 0; d < dimensions; d++)
            {
                sum += (double)matrix[o + d] * query[d];
            }

            scores[r] = (float)sum;
        }
    }

#if NET
    /// <summary>Four rows per step, 8 floats per vector, FMA when available, scalar tail for the last dims % 8.</summary>
    internal static void DotRowsVector256(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores) =>
        DotRowsVector256(matrix, dimensions, query, scores, prefetch: true);

    /// <summary>The same, with the prefetch on or off.</summary>
    [MethodImpl(Common.HotPath.Optimize)]
    internal static void DotRowsVector256(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, Span<float> scores, bool prefetch)
    {
        int rows = scores.Length;
        int vecEnd = dimensions - (dimensions % Vector256<float>.Count);
        ref float m = ref MemoryMarshal.GetReference(matrix);
        ref float q = ref MemoryMarshal.GetReference(query);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref float r0 = ref Unsafe.Add(ref m, r * dimensions);
            ref float r1 = ref Unsafe.Add(ref r0, dimensions);
            ref float r2 = ref Unsafe.Add(ref r1, dimensions);
            ref float r3 = ref Unsafe.Add(ref r2, dimensions);
            if (prefetch)
            {
                Prefetch.Ahead(ref r0, 4 * dimensions * sizeof(float), (long)(rows - r) * dimensions * sizeof(float));
            }

            FourRows(ref r0, ref r1, ref r2, ref r3, ref q, dimensions, vecEnd, out float s0, out float s1, out float s2, out float s3);
            scores[r] = s0;
            scores[r + 1] = s1;
            scores[r + 2] = s2;
            scores[r + 3] = s3;
        }

        for (; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref m, r * dimensions);
            Vector256<float> a = Vector256<float>.Zero;
            for (int d = 0; d < vecEnd; d += Vector256<float>.Count)
            {
                a = MulAdd(Vector256.LoadUnsafe(ref row, (nuint)d), Vector256.LoadUnsafe(ref q, (nuint)d), a);
            }

            float s = Vector256.Sum(a);
            for (int d = vecEnd; d < dimensions; d++)
            {
                s += Unsafe.Add(ref row, d) * Unsafe.Add(ref q, d);
            }

            scores[r] = s;
        }
    }

    /// <summary>The Vector256 kernel of <see cref="DotRowsAt"/> (rows checked by the caller): four rows per step, as <see cref="DotRowsVector256(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, bool)"/>.</summary>
    [MethodImpl(Common.HotPath.Optimize)]
    private static void DotRowsAtVector256(float[] matrix, int dimensions, ReadOnlySpan<int> rows, ReadOnlySpan<float> query, Span<float> scores)
    {
        int vecEnd = dimensions - (dimensions % Vector256<float>.Count);
        ref float m = ref MemoryMarshal.GetArrayDataReference(matrix);
        ref float q = ref MemoryMarshal.GetReference(query);
        int i = 0;
        for (; i + 4 <= rows.Length; i += 4)
        {
            ref float r0 = ref Unsafe.Add(ref m, (nint)rows[i] * dimensions);
            ref float r1 = ref Unsafe.Add(ref m, (nint)rows[i + 1] * dimensions);
            ref float r2 = ref Unsafe.Add(ref m, (nint)rows[i + 2] * dimensions);
            ref float r3 = ref Unsafe.Add(ref m, (nint)rows[i + 3] * dimensions);
            FourRows(ref r0, ref r1, ref r2, ref r3, ref q, dimensions, vecEnd, out float s0, out float s1, out float s2, out float s3);
            scores[i] = s0;
            scores[i + 1] = s1;
            scores[i + 2] = s2;
            scores[i + 3] = s3;
        }

        for (; i < rows.Length; i++)
        {
            scores[i] = Dot(matrix.AsSpan(rows[i] * dimensions, dimensions), query);
        }
    }

    /// <summary>
    /// One step of the Vector256 kernels: the dots of four rows with the query, each with its own accumulator (the same operations
    /// in the same order for every row, so a row's bits do not depend on the rows it is scored with).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRows(ref float r0, ref float r1, ref float r2, ref float r3, ref float q, int dimensions, int vecEnd, out float s0, out float s1, out float s2, out float s3)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int d = 0; d < vecEnd; d += Vector256<float>.Count)
        {
            Vector256<float> qv = Vector256.LoadUnsafe(ref q, (nuint)d);
            a0 = MulAdd(Vector256.LoadUnsafe(ref r0, (nuint)d), qv, a0);
            a1 = MulAdd(Vector256.LoadUnsafe(ref r1, (nuint)d), qv, a1);
            a2 = MulAdd(Vector256.LoadUnsafe(ref r2, (nuint)d), qv, a2);
            a3 = MulAdd(Vector256.LoadUnsafe(ref r3, (nuint)d), qv, a3);
        }

        s0 = Vector256.Sum(a0);
        s1 = Vector256.Sum(a1);
        s2 = Vector256.Sum(a2);
        s3 = Vector256.Sum(a3);
        for (int d = vecEnd; d < dimensions; d++)
        {
            float qd = Unsafe.Add(ref q, d);
            s0 += Unsafe.Add(ref r0, d) * qd;
            s1 += Unsafe.Add(ref r1, d) * qd;
            s2 += Unsafe.Add(ref r2, d) * qd;
            s3 += Unsafe.Add(ref r3, d) * qd;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, acc) : acc + (a * b);
#endif

    /// <summary>
    /// Dot product of two equal-length vectors: the one-row case of <see cref="DotRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/> (same kernel, same bits), compiled
    /// optimized from the first call (MMR calls it a few thousand times per list; a library method in its first, unoptimized tier
    /// made the first lists of a process ten times slower).
    /// </summary>
    [MethodImpl(Common.HotPath.Optimize)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<float> one = stackalloc float[1];
        DotRows(a, b.Length, b, one);
        return one[0];
    }

    /// <summary>Writes source / |source| into destination; all zeros when the norm is zero. Returns the norm.</summary>
    public static float NormalizeInto(ReadOnlySpan<float> source, Span<float> destination)
    {
        float norm = TensorPrimitives.Norm(source);
        if (norm > 0 && !float.IsInfinity(norm))
        {
            TensorPrimitives.Divide(source, norm, destination);
        }
        else if (float.IsInfinity(norm))
        {
            // Finite values whose squares overflow: scale down first.
            float max = TensorPrimitives.MaxMagnitude(source);
            TensorPrimitives.Divide(source, Math.Abs(max), destination);
            float n2 = TensorPrimitives.Norm(destination);
            TensorPrimitives.Divide(destination, n2, destination);
            return norm;
        }
        else
        {
            destination.Slice(0, source.Length).Clear();
        }

        return norm;
    }
}
