using System.Runtime.Intrinsics;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Tests.Scoring;

public class VectorKernelsTests
{
    private const int Rows = 13; // not a multiple of 4: exercises the row tail

    public static IEnumerable<object[]> Lengths() => Enumerable.Range(1, 256).Select(n => new object[] { n });

    private static (float[] Matrix, float[] Query) Data(int dims, int seed, int rows = Rows)
    {
        var rng = new Random(seed);
        var m = new float[rows * dims];
        var q = new float[dims];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < q.Length; i++)
        {
            q[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return (m, q);
    }

    private static void AssertClose(float[] expected, float[] actual, int dims)
    {
        for (int r = 0; r < expected.Length; r++)
        {
            // Relative tolerance scaled by the vector length (sum of dims terms of magnitude <= 1).
            float tol = 1e-5f * Math.Max(1f, MathF.Sqrt(dims)) * Math.Max(1f, Math.Abs(expected[r]));
            Assert.True(Math.Abs(expected[r] - actual[r]) <= tol, $"dims {dims} row {r}: {expected[r]} vs {actual[r]}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotRows_EveryPath_MatchesScalarReference(int dims) => AssertEveryPathMatchesReference(dims, Rows, seed: 1000 + dims);

    /// <summary>The dispatcher, the TensorPrimitives path and (where accelerated) the Vector256 kernel against the scalar reference.</summary>
    private static void AssertEveryPathMatchesReference(int dims, int rows, int seed)
    {
        var (m, q) = Data(dims, seed, rows);
        var expected = new float[rows];
        VectorKernels.DotRowsScalar(m, dims, q, expected);

        var dispatched = new float[rows];
        VectorKernels.DotRows(m, dims, q, dispatched);
        AssertClose(expected, dispatched, dims);

        var portable = new float[rows];
        VectorKernels.DotRowsTensorPrimitives(m, dims, q, portable);
        AssertClose(expected, portable, dims);

        if (Vector256.IsHardwareAccelerated)
        {
            var wide = new float[rows];
            VectorKernels.DotRowsVector256(m, dims, q, wide);
            AssertClose(expected, wide, dims);
        }
    }

    /// <summary>Scattered rows (any order, repeats), 0..9 of them (the four-row steps and the tail): each the bits DotRows gives it.</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotRowsAt_ScatteredRows_SameBitsAsDotRows(int dims)
    {
        var (m, q) = Data(dims, 3000 + dims);
        var all = new float[Rows];
        VectorKernels.DotRows(m, dims, q, all);
        var rng = new Random(dims);
        for (int count = 0; count <= 9; count++)
        {
            int[] rows = Enumerable.Range(0, count).Select(_ => rng.Next(Rows)).ToArray();
            var scores = new float[count];

            VectorKernels.DotRowsAt(m, dims, rows, q, scores);

            Assert.Equal(rows.Select(r => BitConverter.SingleToInt32Bits(all[r])), scores.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void DotRowsAt_RowOutsideTheMatrix_ThrowsAndWritesNothing()
    {
        var (m, q) = Data(8, 5);
        var scores = new float[] { 7, 7 };

        Assert.Throws<ArgumentOutOfRangeException>(() => VectorKernels.DotRowsAt(m, 8, new[] { 0, Rows }, q, scores));
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorKernels.DotRowsAt(m, 8, new[] { -1, 0 }, q, scores));
        Assert.Equal(new float[] { 7, 7 }, scores);
        Assert.Throws<ArgumentException>(() => VectorKernels.DotRowsAt(m, 8, new[] { 0, 1, 2 }, q, scores));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void DotRows_InChildProcessWithHardwareIntrinsicsOnOrOff_MatchesScalarReference(string enableHwIntrinsic)
    {
        var (exitCode, output) = Infrastructure.KernelsChild.Run(enableHwIntrinsic);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("kernels ok", output, StringComparison.Ordinal);
        var (vector128, vector256) = ExpectedAcceleration(enableHwIntrinsic == "1");
        if (vector128 is { } v128)
        {
            Assert.Contains($"Vector128 accelerated: {v128}", output, StringComparison.Ordinal);
        }

        if (vector256 is { } v256)
        {
            Assert.Contains($"Vector256 accelerated: {v256}", output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// What each platform promises a child process (null: no promise). With intrinsics off, nothing is accelerated. With them on:
    /// 128-bit vectors on x86/x64 (SSE2 baseline) and Arm64 (AdvSimd baseline); 256-bit vectors never on Arm64 (no 256-bit
    /// registers), and on x86/x64 exactly when this process (default settings, same CPU) sees them accelerated (AVX2).
    /// </summary>
    private static (bool? Vector128, bool? Vector256) ExpectedAcceleration(bool intrinsicsOn)
    {
        if (!intrinsicsOn)
        {
            return (false, false);
        }

        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.X86 =>
                Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0" ? (true, null) : (true, Vector256.IsHardwareAccelerated),
            System.Runtime.InteropServices.Architecture.Arm64 => (true, false),
            _ => (null, null),
        };
    }

    /// <summary>Enough rows that the float32 kernel prefetches ahead and then stops before the end: same values as the reference.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(64)]
    [InlineData(129)]
    public void DotRows_RowsPastThePrefetchDistance_MatchScalarReference(int dims) =>
        AssertEveryPathMatchesReference(dims, (3 * Prefetch.Distance / (dims * sizeof(float))) + 7, seed: 900 + dims);

    [Fact]
    public void DotRows_ZeroRows_WritesNothing()
    {
        var buffer = new float[4];
        buffer.AsSpan().Fill(-7f);

        VectorKernels.DotRows(ReadOnlySpan<float>.Empty, 8, new float[8], buffer.AsSpan(0, 0));

        Assert.All(buffer, v => Assert.Equal(-7f, v)); // not even past the empty destination
    }

    [Fact]
    public void DotRows_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => VectorKernels.DotRows(new float[10], 8, new float[8], new float[2]));
    }

    [Theory]
    [InlineData(new float[] { 3, 4 }, 5f)]
    [InlineData(new float[] { 0, 0 }, 0f)]
    [InlineData(new float[] { 3e30f, 4e30f }, float.PositiveInfinity)]
    public void NormalizeInto_ProducesUnitVectorOrZeros(float[] v, float expectedNorm)
    {
        var dest = new float[v.Length];
        float norm = VectorKernels.NormalizeInto(v, dest);

        Assert.Equal(expectedNorm, norm, 3);
        float len = MathF.Sqrt(dest.Sum(x => x * x));
        Assert.Equal(expectedNorm == 0 ? 0f : 1f, len, 4);
    }
}
