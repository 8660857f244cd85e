using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Tests.Scoring;

public class Int8KernelsTests
{
    private delegate void DotRowsPath(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> rowScales, int dimensions, ReadOnlySpan<short> query, float queryScale, Span<float> scores);

    private static readonly int[] RowCounts = { 0, 1, 3, 4, 5, 8, 13, 17 }; // the eight-, four- and one-row steps and their mixes

    public static IEnumerable<object[]> Dimensions() => Enumerable.Range(0, 257).Select(n => new object[] { n });

    /// <summary>The paths every machine can run: the dispatcher, scalar, the portable Vector128 and Vector512 paths (in software when not accelerated).</summary>
    private static IEnumerable<(string Name, DotRowsPath Path)> PortablePaths()
    {
        yield return ("DotRows", Int8Kernels.DotRows);
        yield return ("Scalar", Int8Kernels.DotRowsScalar);
        yield return ("Vector128", Int8Kernels.DotRowsVector128);
        yield return ("Vector512Portable", Int8Kernels.DotRowsVector512Portable);
    }

    private sealed record Data(sbyte[] Codes, float[] Scales, short[] Query, float QueryScale);

    private static Data RandomData(int rows, int dims, int seed)
    {
        var rng = new Random(seed);
        int qmax = Int8Kernels.QueryCodeMax(dims);
        var codes = new sbyte[rows * dims];
        var scales = new float[rows];
        var query = new short[dims];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = (sbyte)rng.Next(-127, 128);
        }

        for (int r = 0; r < rows; r++)
        {
            scales[r] = (float)(rng.NextDouble() * 0.02);
        }

        for (int d = 0; d < dims; d++)
        {
            query[d] = (short)rng.Next(-qmax, qmax + 1);
        }

        return new Data(codes, scales, query, (float)(rng.NextDouble() * 1e-4));
    }

    private static void AssertPathBitEqual(string name, DotRowsPath path, Data data, int dims)
    {
        int rows = data.Scales.Length;
        var expected = new float[rows];
        Int8Kernels.DotRowsReference(data.Codes, data.Scales, dims, data.Query, data.QueryScale, expected);
        var actual = new float[rows];
        actual.AsSpan().Fill(float.NaN);
        path(data.Codes, data.Scales, dims, data.Query, data.QueryScale, actual);
        for (int r = 0; r < rows; r++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[r]) == BitConverter.SingleToInt32Bits(actual[r]),
                $"{name}: rows {rows} dims {dims} row {r}: {expected[r]:R} vs {actual[r]:R}");
        }
    }

    private static void AssertEveryRowCount(string name, DotRowsPath path, int dims)
    {
        foreach (int rows in RowCounts)
        {
            AssertPathBitEqual(name, path, RandomData(rows, dims, seed: (dims * 31) + rows), dims);
        }
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void DotRows_PortablePathsEveryDimensionAndRowCount_BitEqualToReference(int dims)
    {
        foreach (var (name, path) in PortablePaths())
        {
            AssertEveryRowCount(name, path, dims);
        }
    }

    [Avx2Theory]
    [MemberData(nameof(Dimensions))]
    public void DotRowsAvx2_EveryDimensionAndRowCount_BitEqualToReference(int dims) =>
        AssertEveryRowCount("Avx2", Int8Kernels.DotRowsAvx2, dims);

    [Avx512BWTheory]
    [MemberData(nameof(Dimensions))]
    public void DotRowsVector512_EveryDimensionAndRowCount_BitEqualToReference(int dims) =>
        AssertEveryRowCount("Vector512", Int8Kernels.DotRowsVector512, dims);

    /// <summary>
    /// Enough rows that the kernels prefetch ahead (<see cref="Prefetch.Distance"/> bytes) and then stop before the end of the
    /// codes: results stay bit-equal, the prefetched rows and the last ones included.
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(256)]
    public void DotRows_RowsPastThePrefetchDistance_BitEqualToReference(int dims)
    {
        int rows = (3 * Prefetch.Distance / dims) + 13;
        var data = RandomData(rows, dims, seed: 7000 + dims);
        foreach (var (name, path) in PortablePaths())
        {
            AssertPathBitEqual(name, path, data, dims);
        }

        // SuggestMany's later players read a block already in the caches, without the prefetch.
        AssertPathBitEqual("DotRows without prefetch", (c, s, d, q, qs, o) => Int8Kernels.DotRows(c, s, d, q, qs, o, prefetch: false), data, dims);
        if (Avx2.IsSupported)
        {
            AssertPathBitEqual("Avx2", Int8Kernels.DotRowsAvx2, data, dims);
        }

        if (Avx512BW.IsSupported)
        {
            AssertPathBitEqual("Vector512", Int8Kernels.DotRowsVector512, data, dims);
        }
    }

    [Fact]
    public void DotRows_ZeroDimensions_AllScoresZero()
    {
        foreach (var (name, path) in PortablePaths())
        {
            var scores = new float[5];
            scores.AsSpan().Fill(-7f);
            path(ReadOnlySpan<sbyte>.Empty, new float[] { 1, 2, 3, 4, 5 }, 0, ReadOnlySpan<short>.Empty, 0.5f, scores);
            Assert.All(scores, s => Assert.True(s == 0f, $"{name}: {s}"));
        }
    }

    [Fact]
    public void DotRows_ZeroRows_WritesNothing()
    {
        var buffer = new float[4];
        buffer.AsSpan().Fill(-7f);

        Int8Kernels.DotRows(ReadOnlySpan<sbyte>.Empty, ReadOnlySpan<float>.Empty, 64, new short[64], 1f, buffer.AsSpan(0, 0));

        Assert.All(buffer, v => Assert.Equal(-7f, v));
    }

    [Theory]
    [InlineData(127)]
    [InlineData(-127)]
    [InlineData(0)] // alternating +127 / -127
    public void DotRows_ExtremeCodesAndLargestQueryAtDims4096_NoOverflowAndEqualsReference(int rowCode)
    {
        const int Dims = 4096;
        const int Rows = 9;
        var query = new short[Dims];
        float queryScale = Int8Kernels.QuantizeQuery(Enumerable.Repeat(-3.5f, Dims).ToArray(), query);
        int qmax = Int8Kernels.QueryCodeMax(Dims);
        Assert.Equal(4128, qmax);
        Assert.All(query, q => Assert.Equal(-qmax, q));
        var codes = new sbyte[Rows * Dims];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = (sbyte)(rowCode != 0 ? rowCode : (i % 2 == 0 ? 127 : -127));
        }

        var scales = Enumerable.Range(1, Rows).Select(r => r * 0.01f).ToArray();
        var data = new Data(codes, scales, query, queryScale);

        // The exact sum is +-127 * 4128 * 4096 = 2,147,352,576 (just under int.MaxValue), or 0 when the signs alternate.
        long exact = rowCode == 0 ? 0 : -(long)rowCode * qmax * Dims;
        Assert.True(Math.Abs(exact) <= int.MaxValue);
        var reference = new float[Rows];
        Int8Kernels.DotRowsReference(codes, scales, Dims, query, queryScale, reference);
        Assert.Equal((float)exact * (scales[0] * queryScale), reference[0]);
        foreach (var (name, path) in AllSupportedPaths())
        {
            AssertPathBitEqual(name, path, data, Dims);
        }
    }

    /// <summary>Every path this machine can run, intrinsic paths included when supported.</summary>
    private static IEnumerable<(string Name, DotRowsPath Path)> AllSupportedPaths()
    {
        foreach (var p in PortablePaths())
        {
            yield return p;
        }

        if (Avx2.IsSupported)
        {
            yield return ("Avx2", Int8Kernels.DotRowsAvx2);
        }

        if (Avx512BW.IsSupported)
        {
            yield return ("Vector512", Int8Kernels.DotRowsVector512);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(300)]
    public void QuantizeRows_RandomRows_RoundTripWithinHalfScale(int dims)
    {
        const int Rows = 11;
        var rng = new Random(dims);
        var matrix = new float[Rows * dims];
        for (int i = 0; i < matrix.Length; i++)
        {
            // Rows of very different magnitudes.
            matrix[i] = (float)(((rng.NextDouble() * 2) - 1) * Math.Pow(10, (i / dims) - 5));
        }

        var codes = new sbyte[Rows * dims];
        var scales = new float[Rows];
        Int8Kernels.QuantizeRows(matrix, dims, codes, scales);

        for (int r = 0; r < Rows; r++)
        {
            float maxAbs = matrix.Skip(r * dims).Take(dims).Max(Math.Abs);
            Assert.Equal(maxAbs / 127f, scales[r]);
            for (int d = 0; d < dims; d++)
            {
                int i = (r * dims) + d;
                Assert.InRange(codes[i], (sbyte)-127, (sbyte)127);
                double error = Math.Abs(matrix[i] - (codes[i] * (double)scales[r]));
                Assert.True(error <= scales[r] * 0.5 * (1 + 1e-6), $"row {r} dim {d}: {matrix[i]:R} -> {codes[i]} * {scales[r]:R}");
            }

            Assert.Contains(codes.Skip(r * dims).Take(dims), c => Math.Abs((int)c) == 127);
        }
    }

    [Fact]
    public void QuantizeRows_HalfwayValues_RoundToEven()
    {
        // maxAbs 127 gives scale 1 exactly, so x / scale is x.
        var matrix = new float[] { 127f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f };
        var codes = new sbyte[matrix.Length];
        var scales = new float[1];

        Int8Kernels.QuantizeRows(matrix, matrix.Length, codes, scales);

        Assert.Equal(1f, scales[0]);
        Assert.Equal(new sbyte[] { 127, 0, 2, 2, 0, -2, -2, 126 }, codes);
    }

    [Fact]
    public void QuantizeRows_ZeroRow_ScaleZeroAndCodesZero()
    {
        var matrix = new float[] { 0, 0, 0, 0, 1.9f, -2, 0.5f, 0 };
        var codes = new sbyte[8];
        codes.AsSpan().Fill(5);
        var scales = new float[2];

        Int8Kernels.QuantizeRows(matrix, 4, codes, scales);

        Assert.Equal(0f, scales[0]);
        Assert.Equal(new sbyte[] { 0, 0, 0, 0 }, codes.Take(4));
        Assert.Equal(2f / 127f, scales[1]);
        Assert.Equal(new sbyte[] { 121, -127, 32, 0 }, codes.Skip(4));
    }

    [Fact]
    public void QuantizeQuery_ZeroQuery_ReturnsZeroAndCodesZero()
    {
        var codes = new short[16];
        codes.AsSpan().Fill(9);

        float scale = Int8Kernels.QuantizeQuery(new float[16], codes);

        Assert.Equal(0f, scale);
        Assert.All(codes, c => Assert.Equal(0, c));
    }

    [Theory]
    [InlineData(1, 32767)]
    [InlineData(64, 32767)]
    [InlineData(516, 32767)]
    [InlineData(517, 32706)]
    [InlineData(4096, 4128)]
    public void QuantizeQuery_RandomQuery_LargestCodeIsQmaxAndRoundTripWithinHalfScale(int dims, int expectedQmax)
    {
        var rng = new Random(dims);
        var query = Enumerable.Range(0, dims).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var codes = new short[dims];

        float scale = Int8Kernels.QuantizeQuery(query, codes);

        Assert.Equal(expectedQmax, Int8Kernels.QueryCodeMax(dims));
        Assert.True((long)127 * expectedQmax * dims <= int.MaxValue);
        Assert.Equal(expectedQmax, codes.Max(c => Math.Abs((int)c)));
        for (int d = 0; d < dims; d++)
        {
            double error = Math.Abs(query[d] - (codes[d] * (double)scale));
            Assert.True(error <= scale * 0.5 * (1 + 1e-6), $"dim {d}: {query[d]:R} -> {codes[d]} * {scale:R}");
        }
    }

    [Fact]
    public void QuantizedDotRows_RandomUnitVectors_CloseToFloatDot()
    {
        const int Dims = 64;
        const int Rows = 50;
        var rng = new Random(7);
        var matrix = Enumerable.Range(0, Rows * Dims).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var query = Enumerable.Range(0, Dims).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var codes = new sbyte[Rows * Dims];
        var scales = new float[Rows];
        var q = new short[Dims];
        Int8Kernels.QuantizeRows(matrix, Dims, codes, scales);
        float qs = Int8Kernels.QuantizeQuery(query, q);
        var exact = new float[Rows];
        var approx = new float[Rows];

        VectorKernels.DotRowsScalar(matrix, Dims, query, exact);
        Int8Kernels.DotRows(codes, scales, Dims, q, qs, approx);

        for (int r = 0; r < Rows; r++)
        {
            // Each term is off by at most ~scale/2 * |q| + |x| * qs/2: well under 1% of the magnitudes summed here.
            Assert.True(Math.Abs(exact[r] - approx[r]) < 0.05f, $"row {r}: {exact[r]} vs {approx[r]}");
        }
    }

    [Fact]
    public void DotRows_MismatchedLengths_Throws()
    {
        var scores = new float[2];
        Assert.Throws<ArgumentException>(() => Int8Kernels.DotRows(new sbyte[15], new float[2], 8, new short[8], 1f, scores)); // codes short
        Assert.Throws<ArgumentException>(() => Int8Kernels.DotRows(new sbyte[16], new float[1], 8, new short[8], 1f, scores)); // scales short
        Assert.Throws<ArgumentException>(() => Int8Kernels.DotRows(new sbyte[16], new float[2], 8, new short[7], 1f, scores)); // query length
        Assert.Throws<ArgumentException>(() => Int8Kernels.DotRows(new sbyte[16], new float[2], -1, new short[0], 1f, scores)); // negative dims
        foreach (var (name, path) in AllSupportedPaths().Append(("Reference", Int8Kernels.DotRowsReference)))
        {
            Assert.Throws<ArgumentException>(() => path(new sbyte[15], new float[2], 8, new short[8], 1f, new float[2]));
        }
    }

    [Fact]
    public void QuantizeRows_MismatchedLengthsOrNonFinite_Throws()
    {
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeRows(new float[7], 4, new sbyte[8], new float[2])); // matrix short
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeRows(new float[8], 4, new sbyte[7], new float[2])); // codes short
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeRows(new float[8], -4, new sbyte[8], new float[2])); // negative dims
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeRows(new[] { 1f, float.NaN }, 2, new sbyte[2], new float[1]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeRows(new[] { 1f, float.PositiveInfinity }, 2, new sbyte[2], new float[1]));
    }

    [Fact]
    public void QuantizeQuery_MismatchedLengthsOrNonFinite_Throws()
    {
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeQuery(new float[8], new short[7]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeQuery(new[] { 1f, float.NaN }, new short[2]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.QuantizeQuery(new[] { float.NegativeInfinity, 1f }, new short[2]));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void DotRows_InChildProcessWithHardwareIntrinsicsOnOrOff_BitEqualToReference(string enableHwIntrinsic)
    {
        var (exitCode, output) = Infrastructure.KernelsChild.Run(enableHwIntrinsic);

        Assert.Equal(0, exitCode);
        Assert.Contains("int8 kernels ok", output, StringComparison.Ordinal);
        if (enableHwIntrinsic == "0")
        {
            Assert.Contains("int8 kernels ok (path at 64 dims: Scalar)", output, StringComparison.Ordinal);
        }
        else if (Vector128.IsHardwareAccelerated && Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") != "0")
        {
            Assert.DoesNotContain("path at 64 dims: Scalar", output, StringComparison.Ordinal);
        }
    }
}

/// <summary>A theory that needs AVX2 (the intrinsic path cannot run without it); elsewhere reported as skipped, with the reason.</summary>
public sealed class Avx2TheoryAttribute : TheoryAttribute
{
    public Avx2TheoryAttribute()
    {
        if (!Avx2.IsSupported)
        {
            Skip = "needs AVX2: Int8Kernels.DotRowsAvx2 uses Avx2 intrinsics, not supported on this CPU/runtime";
        }
    }
}

/// <summary>A theory that needs AVX-512BW (the intrinsic path cannot run without it); elsewhere reported as skipped, with the reason.</summary>
public sealed class Avx512BWTheoryAttribute : TheoryAttribute
{
    public Avx512BWTheoryAttribute()
    {
        if (!Avx512BW.IsSupported)
        {
            Skip = "needs AVX-512BW: Int8Kernels.DotRowsVector512 uses Avx512BW intrinsics, not supported on this CPU "
                + "(DotRowsVector512Portable, the same path on the cross-platform Vector512 API, runs everywhere)";
        }
    }
}
