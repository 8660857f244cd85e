using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace EmbeddedReco.Scoring;

/// <summary>
/// Int8 similarity kernels: rows quantized to int8 codes with a symmetric per-row scale, the query to int16 codes with one scale.
/// The dot product of the codes is summed exactly in an int32 (the query's largest code is chosen so that 127 * qmax * dimensions
/// fits), then turned into a float in one fixed step, <c>(float)sum * (rowScale * queryScale)</c>. Integer sums do not depend on
/// the order of the additions, so every path (AVX-512, AVX2, portable Vector128, scalar) returns bit-identical scores.
/// Dispatch, fastest first: Vector512 (Avx512BW intrinsics, or the portable Vector512 API), AVX2 (AVX-VNNI when supported),
/// portable Vector128 (Arm64 and x86 without AVX2), and an unrolled scalar loop (netstandard2.1, and runtimes without hardware
/// vectors: classic Mono, IL2CPP, <c>DOTNET_EnableHWIntrinsic=0</c>).
/// </summary>
internal static class Int8Kernels
{
    /// <summary>Largest magnitude of a row code.</summary>
    internal const int RowCodeMax = 127;

    /// <summary>Detected once: no hardware vectors, so the scalar kernel is the fastest.</summary>
    internal static readonly bool ScalarRuntime = !System.Numerics.Vector.IsHardwareAccelerated;

    /// <summary>
    /// Quantizes row-major float rows to int8 codes with a symmetric per-row scale: scale = max|x| / 127 (0 for an all-zero row,
    /// whose codes are all 0), code = round-half-to-even(x / scale) clamped to [-127, 127]. The number of rows is
    /// <paramref name="scales"/>.Length.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, or a value is not finite.</exception>
    public static void QuantizeRows(ReadOnlySpan<float> matrix, int dimensions, Span<sbyte> codes, Span<float> scales)
    {
        int rows = scales.Length;
        long cells = (long)rows * dimensions;
        if (dimensions < 0 || matrix.Length < cells || codes.Length < cells)
        {
            throw new ArgumentException("Matrix, code and scale lengths do not agree.");
        }

        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = matrix.Slice(r * dimensions, dimensions);
            Span<sbyte> rowCodes = codes.Slice(r * dimensions, dimensions);
            float maxAbs = MaxAbs(row);
            float scale = maxAbs / RowCodeMax;
            if (scale == 0)
            {
                // All zeros, or so small that the scale underflows: the row scores 0.
                rowCodes.Clear();
                scales[r] = 0;
                continue;
            }

            for (int d = 0; d < row.Length; d++)
            {
                rowCodes[d] = (sbyte)Quantize(row[d], scale, RowCodeMax);
            }

            scales[r] = scale;
        }
    }

    /// <summary>
    /// Quantizes a query to int16 codes, codes[d] = round-half-to-even(query[d] / s), with the largest magnitude code
    /// qmax = min(32767, floor((2^31 - 1) / (127 * dimensions))), so an int32 sum of 127 * qmax * dimensions never overflows.
    /// Returns s (0 for an all-zero query, whose codes are all 0).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, the query is too long for an int32 sum, or a value is not finite.</exception>
    public static float QuantizeQuery(ReadOnlySpan<float> query, Span<short> codes)
    {
        if (codes.Length != query.Length)
        {
            throw new ArgumentException("Query and code lengths do not agree.");
        }

        if (query.Length == 0)
        {
            return 0;
        }

        int qmax = QueryCodeMax(query.Length);
        if (qmax < 1)
        {
            throw new ArgumentException("The query is too long for an int32 accumulator.", nameof(query));
        }

        float scale = MaxAbs(query) / qmax;
        if (scale == 0)
        {
            codes.Clear();
            return 0;
        }

        for (int d = 0; d < query.Length; d++)
        {
            codes[d] = (short)Quantize(query[d], scale, qmax);
        }

        return scale;
    }

    /// <summary>The largest magnitude query code for a given length: min(32767, floor((2^31 - 1) / (127 * dimensions))).</summary>
    internal static int QueryCodeMax(int dimensions) =>
        dimensions <= 0 ? short.MaxValue : (int)Math.Min(short.MaxValue, int.MaxValue / ((long)RowCodeMax * dimensions));

    /// <summary>
    /// scores[r] = (float)(sum_d codes[r, d] * query[d]) * (rowScales[r] * queryScale) for every row (rows = scores.Length), the
    /// sum exact in an int32. Every path returns the same bits.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree.</exception>
    public static void DotRows(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores) =>
        DotRows(codes, rowScales, dimensions, query, queryScale, scores, prefetch: true);

    /// <summary>
    /// <see cref="DotRows(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, int, ReadOnlySpan{short}, float, Span{float})"/>, with the
    /// x86 kernels' prefetch (<see cref="Prefetch"/>) on or off: off for rows already in the caches (a block that several queries
    /// read in turn), where the prefetches would only take load slots. Same results either way.
    /// </summary>
    [MethodImpl(Common.HotPath.Optimize)]
    public static void DotRows(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores, bool prefetch)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        switch (SelectPath(dimensions))
        {
#if NET
            case Int8Path.Vector512:
                DotRowsVector512(codes, rowScales, dimensions, query, queryScale, scores, prefetch);
                return;
            case Int8Path.Vector512Portable:
                DotRowsVector512Portable(codes, rowScales, dimensions, query, queryScale, scores, prefetch);
                return;
            case Int8Path.Avx2:
                DotRowsAvx2(codes, rowScales, dimensions, query, queryScale, scores, prefetch);
                return;
            case Int8Path.Vector128:
                DotRowsVector128(codes, rowScales, dimensions, query, queryScale, scores);
                return;
#endif
            default:
                DotRowsScalar(codes, rowScales, dimensions, query, queryScale, scores);
                return;
        }
    }

    /// <summary>
    /// The path <see cref="DotRows(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, int, ReadOnlySpan{short}, float, Span{float})"/> takes for rows of this length on this machine: the widest accelerated one whose vector
    /// width fits the row (shorter rows would run only the scalar tail), the scalar loop when nothing is accelerated.
    /// </summary>
    internal static Int8Path SelectPath(int dimensions)
    {
#if NET
        if (!ScalarRuntime)
        {
            if (Vector512.IsHardwareAccelerated && dimensions >= Vector512<short>.Count)
            {
                return Avx512BW.IsSupported ? Int8Path.Vector512 : Int8Path.Vector512Portable;
            }

            if (Avx2.IsSupported && dimensions >= Vector256<short>.Count)
            {
                return Int8Path.Avx2;
            }

            if (Vector128.IsHardwareAccelerated && dimensions >= Vector128<sbyte>.Count)
            {
                return Int8Path.Vector128;
            }
        }
#endif
        return Int8Path.Scalar;
    }

    /// <summary>
    /// Scalar path (netstandard2.1, no hardware vectors, rows shorter than a vector): four rows per step, one independent
    /// accumulator each, every query code loaded once for the four rows; pointers (no bounds checks).
    /// </summary>
#if NET
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
#endif
    internal static unsafe void DotRowsScalar(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        int rows = scores.Length;
        fixed (sbyte* c0 = codes)
        fixed (short* q = query)
        fixed (float* rs = rowScales)
        fixed (float* s = scores)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                sbyte* r0 = c0 + ((nint)r * dimensions);
                sbyte* r1 = r0 + dimensions;
                sbyte* r2 = r1 + dimensions;
                sbyte* r3 = r2 + dimensions;
                int a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                for (nint d = 0; d < dimensions; d++)
                {
                    int qd = q[d];
                    a0 += r0[d] * qd;
                    a1 += r1[d] * qd;
                    a2 += r2[d] * qd;
                    a3 += r3[d] * qd;
                }

                s[r] = Score(a0, rs[r], queryScale);
                s[r + 1] = Score(a1, rs[r + 1], queryScale);
                s[r + 2] = Score(a2, rs[r + 2], queryScale);
                s[r + 3] = Score(a3, rs[r + 3], queryScale);
            }

            for (; r < rows; r++)
            {
                s[r] = Score(ScalarRow(c0 + ((nint)r * dimensions), q, dimensions), rs[r], queryScale);
            }
        }
    }

    /// <summary>One row, four independent accumulators over the dims.</summary>
    private static unsafe int ScalarRow(sbyte* row, short* q, int dimensions)
    {
        int a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        nint d = 0;
        for (; d + 4 <= dimensions; d += 4)
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

        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>Reference for the tests: the obvious loop, summed in a long.</summary>
    internal static void DotRowsReference(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        for (int r = 0; r < scores.Length; r++)
        {
            long sum = 0;
            for (int d = 0; d < dimensions; d++)
            {
                sum += (long)codes[(r * dimensions) + d] * query[d];
            }

            scores[r] = (float)((float)sum * (float)(rowScales[r] * queryScale));
        }
    }

    /// <summary>The one float step every path shares, so that equal integer sums give equal bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Score(int sum, float rowScale, float queryScale) => (float)((float)sum * (float)(rowScale * queryScale));

    private static void Validate(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, Span<float> scores)
    {
        int rows = scores.Length;
        if (dimensions < 0 || query.Length != dimensions || codes.Length < (long)rows * dimensions || rowScales.Length < rows)
        {
            throw new ArgumentException("Code, scale, query and score lengths do not agree.");
        }
    }

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float a = Math.Abs(values[i]);
            if (!(a <= float.MaxValue))
            {
                throw new ArgumentException("Values must be finite.", nameof(values));
            }

            max = Math.Max(max, a);
        }

        return max;
    }

    private static int Quantize(float value, float scale, int max)
    {
        // Double division: the only rounding is the final round-half-to-even, so |value - code * scale| <= scale / 2.
        double code = Math.Round(value / (double)scale, MidpointRounding.ToEven);
        return (int)Math.Max(-max, Math.Min(max, code));
    }

    /// <summary>The dims tail (the last dimensions % width) of one row, in scalar code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TailSum(ref sbyte row, ref short query, int from, int dimensions)
    {
        int sum = 0;
        for (int d = from; d < dimensions; d++)
        {
            sum += Unsafe.Add(ref row, d) * Unsafe.Add(ref query, d);
        }

        return sum;
    }

#if NET
    /// <summary>
    /// AVX-512 path: 32 codes per step sign-extended to int16 (vpmovsxbw), multiplied with the int16 query and pairwise added into
    /// int32 lanes (vpmaddwd); four rows per step share the query load. Needs Avx512BW.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsVector512(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores) =>
        DotRowsVector512(codes, rowScales, dimensions, query, queryScale, scores, prefetch: true);

    /// <summary>The same, with the prefetch on or off (see <see cref="DotRows(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, int, ReadOnlySpan{short}, float, Span{float}, bool)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsVector512(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores, bool prefetch)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        int rows = scores.Length;
        const int Width = 32;
        int vecEnd = dimensions - (dimensions % Width);
        ref sbyte c = ref MemoryMarshal.GetReference(codes);
        ref short q = ref MemoryMarshal.GetReference(query);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref sbyte r0 = ref Unsafe.Add(ref c, r * dimensions);
            ref sbyte r1 = ref Unsafe.Add(ref r0, dimensions);
            ref sbyte r2 = ref Unsafe.Add(ref r1, dimensions);
            ref sbyte r3 = ref Unsafe.Add(ref r2, dimensions);
            if (prefetch)
            {
                Prefetch.Ahead(ref r0, 4 * dimensions, (long)(rows - r) * dimensions);
            }

            Vector512<int> a0 = Vector512<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < vecEnd; d += Width)
            {
                Vector512<short> qv = Vector512.LoadUnsafe(ref q, (nuint)d);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref r0, (nuint)d)), qv);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref r1, (nuint)d)), qv);
                a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref r2, (nuint)d)), qv);
                a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref r3, (nuint)d)), qv);
            }

            scores[r] = Score(Vector512.Sum(a0) + TailSum(ref r0, ref q, vecEnd, dimensions), rowScales[r], queryScale);
            scores[r + 1] = Score(Vector512.Sum(a1) + TailSum(ref r1, ref q, vecEnd, dimensions), rowScales[r + 1], queryScale);
            scores[r + 2] = Score(Vector512.Sum(a2) + TailSum(ref r2, ref q, vecEnd, dimensions), rowScales[r + 2], queryScale);
            scores[r + 3] = Score(Vector512.Sum(a3) + TailSum(ref r3, ref q, vecEnd, dimensions), rowScales[r + 3], queryScale);
        }

        for (; r < rows; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref c, r * dimensions);
            Vector512<int> a = Vector512<int>.Zero;
            for (int d = 0; d < vecEnd; d += Width)
            {
                a += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref row, (nuint)d)), Vector512.LoadUnsafe(ref q, (nuint)d));
            }

            scores[r] = Score(Vector512.Sum(a) + TailSum(ref row, ref q, vecEnd, dimensions), rowScales[r], queryScale);
        }
    }

    /// <summary>
    /// The Vector512 path written with the cross-platform Vector512 API only (runs in software where 512-bit vectors are not
    /// accelerated, so the tests run it everywhere): 32 codes per step widened to int32, multiplied and added; four rows per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsVector512Portable(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores) =>
        DotRowsVector512Portable(codes, rowScales, dimensions, query, queryScale, scores, prefetch: true);

    /// <summary>The same, with the prefetch on or off (see <see cref="DotRows(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, int, ReadOnlySpan{short}, float, Span{float}, bool)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsVector512Portable(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores, bool prefetch)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        int rows = scores.Length;
        const int Width = 32;
        int vecEnd = dimensions - (dimensions % Width);
        ref sbyte c = ref MemoryMarshal.GetReference(codes);
        ref short q = ref MemoryMarshal.GetReference(query);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref sbyte r0 = ref Unsafe.Add(ref c, r * dimensions);
            ref sbyte r1 = ref Unsafe.Add(ref r0, dimensions);
            ref sbyte r2 = ref Unsafe.Add(ref r1, dimensions);
            ref sbyte r3 = ref Unsafe.Add(ref r2, dimensions);
            if (prefetch)
            {
                Prefetch.Ahead(ref r0, 4 * dimensions, (long)(rows - r) * dimensions);
            }

            Vector512<int> a0 = Vector512<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < vecEnd; d += Width)
            {
                (Vector512<int> qLo, Vector512<int> qHi) = Vector512.Widen(Vector512.LoadUnsafe(ref q, (nuint)d));
                a0 += MultiplyWidened512(ref r0, d, qLo, qHi);
                a1 += MultiplyWidened512(ref r1, d, qLo, qHi);
                a2 += MultiplyWidened512(ref r2, d, qLo, qHi);
                a3 += MultiplyWidened512(ref r3, d, qLo, qHi);
            }

            scores[r] = Score(Vector512.Sum(a0) + TailSum(ref r0, ref q, vecEnd, dimensions), rowScales[r], queryScale);
            scores[r + 1] = Score(Vector512.Sum(a1) + TailSum(ref r1, ref q, vecEnd, dimensions), rowScales[r + 1], queryScale);
            scores[r + 2] = Score(Vector512.Sum(a2) + TailSum(ref r2, ref q, vecEnd, dimensions), rowScales[r + 2], queryScale);
            scores[r + 3] = Score(Vector512.Sum(a3) + TailSum(ref r3, ref q, vecEnd, dimensions), rowScales[r + 3], queryScale);
        }

        for (; r < rows; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref c, r * dimensions);
            Vector512<int> a = Vector512<int>.Zero;
            for (int d = 0; d < vecEnd; d += Width)
            {
                (Vector512<int> qLo, Vector512<int> qHi) = Vector512.Widen(Vector512.LoadUnsafe(ref q, (nuint)d));
                a += MultiplyWidened512(ref row, d, qLo, qHi);
            }

            scores[r] = Score(Vector512.Sum(a) + TailSum(ref row, ref q, vecEnd, dimensions), rowScales[r], queryScale);
        }
    }

    /// <summary>32 codes at row[d..] widened to int32, times the widened query halves, the two products added lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MultiplyWidened512(ref sbyte row, int d, Vector512<int> qLo, Vector512<int> qHi)
    {
        Vector512<short> c16 = Vector512.WidenLower(Vector256.LoadUnsafe(ref row, (nuint)d).ToVector512Unsafe());
        (Vector512<int> lo, Vector512<int> hi) = Vector512.Widen(c16);
        return (lo * qLo) + (hi * qHi);
    }

    /// <summary>
    /// AVX2 path: 16 codes per step sign-extended to int16 (vpmovsxbw), then vpmaddwd with the int16 query (or vpdpwssd with
    /// AVX-VNNI) into eight int32 lanes; eight rows per step share the query load and are reduced together with vphaddd
    /// (<see cref="DotEightRowsAvx2"/>), the last rows one at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsAvx2(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores) =>
        DotRowsAvx2(codes, rowScales, dimensions, query, queryScale, scores, prefetch: true);

    /// <summary>The same, with the prefetch on or off (see <see cref="DotRows(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, int, ReadOnlySpan{short}, float, Span{float}, bool)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsAvx2(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores, bool prefetch)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        int rows = scores.Length;
        const int Width = 16;
        int vecEnd = dimensions - (dimensions % Width);
        ref sbyte c = ref MemoryMarshal.GetReference(codes);
        ref short q = ref MemoryMarshal.GetReference(query);
        int r = DotEightRowsAvx2(ref c, rowScales, dimensions, ref q, queryScale, scores, prefetch);

        // The last rows (fewer than eight) one at a time.
        for (; r < rows; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref c, r * dimensions);
            Vector256<int> a = Vector256<int>.Zero;
            for (int d = 0; d < vecEnd; d += Width)
            {
                a = MultiplyAddAvx2(a, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)d)), Vector256.LoadUnsafe(ref q, (nuint)d));
            }

            scores[r] = Score(Vector256.Sum(a) + TailSum(ref row, ref q, vecEnd, dimensions), rowScales[r], queryScale);
        }
    }

    /// <summary>
    /// The AVX2 path's main loop: eight rows per step, eight accumulators sharing each widened query load; the eight sums are
    /// reduced into one vector (two horizontal-add levels and a lane exchange) and scaled as a vector:
    /// <c>(float)sum * (rowScale * queryScale)</c> per lane, the same operations in the same order as the scalar
    /// <see cref="Score"/>, so the same bits. Returns the rows done (a multiple of 8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotEightRowsAvx2(ref sbyte c, ReadOnlySpan<float> rowScales, int dimensions, ref short q, float queryScale, Span<float> scores, bool prefetch)
    {
        const int Width = 16;
        int rows = scores.Length;
        int vecEnd = dimensions - (dimensions % Width);
        var qs = Vector256.Create(queryScale);
        ref float scale = ref MemoryMarshal.GetReference(rowScales);
        ref float output = ref MemoryMarshal.GetReference(scores);
        int r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            ref sbyte r0 = ref Unsafe.Add(ref c, r * dimensions);
            if (prefetch)
            {
                Prefetch.Ahead(ref r0, 8 * dimensions, (long)(rows - r) * dimensions);
            }

            Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int d = 0; d < vecEnd; d += Width)
            {
                Vector256<short> qv = Vector256.LoadUnsafe(ref q, (nuint)d);
                ref sbyte at = ref Unsafe.Add(ref r0, d);
                a0 = MultiplyAddAvx2(a0, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at)), qv);
                a1 = MultiplyAddAvx2(a1, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)dimensions)), qv);
                a2 = MultiplyAddAvx2(a2, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)(2 * dimensions))), qv);
                a3 = MultiplyAddAvx2(a3, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)(3 * dimensions))), qv);
                a4 = MultiplyAddAvx2(a4, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)(4 * dimensions))), qv);
                a5 = MultiplyAddAvx2(a5, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)(5 * dimensions))), qv);
                a6 = MultiplyAddAvx2(a6, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)(6 * dimensions))), qv);
                a7 = MultiplyAddAvx2(a7, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at, (nuint)(7 * dimensions))), qv);
            }

            // Per 128-bit half, lane i of g0 holds a part of row i's sum (rows 0-3), of g1 rows 4-7; exchanging the halves and
            // adding gives lane i = row i.
            Vector256<int> g0 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
            Vector256<int> g1 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a4, a5), Avx2.HorizontalAdd(a6, a7));
            Vector256<int> sums = Avx2.Permute2x128(g0, g1, 0x20) + Avx2.Permute2x128(g0, g1, 0x31);
            if (vecEnd != dimensions)
            {
                sums += Vector256.Create(
                    TailSum(ref r0, ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, dimensions), ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, 2 * dimensions), ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, 3 * dimensions), ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, 4 * dimensions), ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, 5 * dimensions), ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, 6 * dimensions), ref q, vecEnd, dimensions),
                    TailSum(ref Unsafe.Add(ref r0, 7 * dimensions), ref q, vecEnd, dimensions));
            }

            Vector256<float> scaled = Avx.ConvertToVector256Single(sums) * (Vector256.LoadUnsafe(ref scale, (nuint)r) * qs);
            scaled.StoreUnsafe(ref output, (nuint)r);
        }

        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MultiplyAddAvx2(Vector256<int> acc, Vector256<short> a, Vector256<short> b) =>
        AvxVnni.IsSupported ? AvxVnni.MultiplyWideningAndAdd(acc, a, b) : acc + Avx2.MultiplyAddAdjacent(a, b);

    /// <summary>
    /// Portable path (Arm64, x86 without AVX2), cross-platform Vector128 API only: 16 codes per step widened sbyte -> short -> int,
    /// multiplied with the widened query and added into int32 lanes; four rows per step share the widened query.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRowsVector128(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores)
    {
        Validate(codes, rowScales, dimensions, query, scores);
        int rows = scores.Length;
        const int Width = 16;
        int vecEnd = dimensions - (dimensions % Width);
        ref sbyte c = ref MemoryMarshal.GetReference(codes);
        ref short q = ref MemoryMarshal.GetReference(query);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref sbyte r0 = ref Unsafe.Add(ref c, r * dimensions);
            ref sbyte r1 = ref Unsafe.Add(ref r0, dimensions);
            ref sbyte r2 = ref Unsafe.Add(ref r1, dimensions);
            ref sbyte r3 = ref Unsafe.Add(ref r2, dimensions);
            Vector128<int> a0 = Vector128<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < vecEnd; d += Width)
            {
                QueryQuarters128 qv = QueryQuarters128.Load(ref q, d);
                a0 += qv.MultiplyWidened(ref r0, d);
                a1 += qv.MultiplyWidened(ref r1, d);
                a2 += qv.MultiplyWidened(ref r2, d);
                a3 += qv.MultiplyWidened(ref r3, d);
            }

            scores[r] = Score(Vector128.Sum(a0) + TailSum(ref r0, ref q, vecEnd, dimensions), rowScales[r], queryScale);
            scores[r + 1] = Score(Vector128.Sum(a1) + TailSum(ref r1, ref q, vecEnd, dimensions), rowScales[r + 1], queryScale);
            scores[r + 2] = Score(Vector128.Sum(a2) + TailSum(ref r2, ref q, vecEnd, dimensions), rowScales[r + 2], queryScale);
            scores[r + 3] = Score(Vector128.Sum(a3) + TailSum(ref r3, ref q, vecEnd, dimensions), rowScales[r + 3], queryScale);
        }

        for (; r < rows; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref c, r * dimensions);
            Vector128<int> a = Vector128<int>.Zero;
            for (int d = 0; d < vecEnd; d += Width)
            {
                a += QueryQuarters128.Load(ref q, d).MultiplyWidened(ref row, d);
            }

            scores[r] = Score(Vector128.Sum(a) + TailSum(ref row, ref q, vecEnd, dimensions), rowScales[r], queryScale);
        }
    }

    /// <summary>Sixteen query codes widened to four Vector128&lt;int&gt;, loaded once and shared by four rows.</summary>
    private readonly struct QueryQuarters128
    {
        private readonly Vector128<int> _q0;
        private readonly Vector128<int> _q1;
        private readonly Vector128<int> _q2;
        private readonly Vector128<int> _q3;

        private QueryQuarters128(Vector128<int> q0, Vector128<int> q1, Vector128<int> q2, Vector128<int> q3)
        {
            _q0 = q0;
            _q1 = q1;
            _q2 = q2;
            _q3 = q3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static QueryQuarters128 Load(ref short query, int d)
        {
            (Vector128<int> q0, Vector128<int> q1) = Vector128.Widen(Vector128.LoadUnsafe(ref query, (nuint)d));
            (Vector128<int> q2, Vector128<int> q3) = Vector128.Widen(Vector128.LoadUnsafe(ref query, (nuint)(d + 8)));
            return new QueryQuarters128(q0, q1, q2, q3);
        }

        /// <summary>The 16 codes at row[d..] widened to int32, times the query quarters, added lane-wise into one vector.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> MultiplyWidened(ref sbyte row, int d)
        {
            (Vector128<short> lo, Vector128<short> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref row, (nuint)d));
            (Vector128<int> c0, Vector128<int> c1) = Vector128.Widen(lo);
            (Vector128<int> c2, Vector128<int> c3) = Vector128.Widen(hi);
            return ((c0 * _q0) + (c1 * _q1)) + ((c2 * _q2) + (c3 * _q3));
        }
    }
#endif
}

/// <summary>The implementations of <see cref="Int8Kernels.DotRows(ReadOnlySpan{sbyte}, ReadOnlySpan{float}, int, ReadOnlySpan{short}, float, Span{float})"/>.</summary>
internal enum Int8Path
{
    /// <summary><see cref="Int8Kernels.DotRowsScalar"/>.</summary>
    Scalar,

    /// <summary>Portable Vector128 (Arm64, x86 without AVX2).</summary>
    Vector128,

    /// <summary>AVX2 intrinsics (AVX-VNNI when supported).</summary>
    Avx2,

    /// <summary>Avx512BW intrinsics.</summary>
    Vector512,

    /// <summary>Cross-platform Vector512 API.</summary>
    Vector512Portable,
}
