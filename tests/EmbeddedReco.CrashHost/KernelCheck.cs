using System;
using EmbeddedReco.Scoring;

/// <summary>The SIMD kernels against the scalar reference at every length 0..256, in whatever hardware mode this process runs.</summary>
internal static class KernelCheck
{
    public static int Run()
    {
        var rng = new Random(42);
        const int Rows = 13;
        for (int dims = 1; dims <= 256; dims++)
        {
            var m = new float[Rows * dims];
            var q = new float[dims];
            for (int i = 0; i < m.Length; i++)
            {
                m[i] = (float)((rng.NextDouble() * 2) - 1);
            }

            for (int i = 0; i < q.Length; i++)
            {
                q[i] = (float)((rng.NextDouble() * 2) - 1);
            }

            var expected = new float[Rows];
            var actual = new float[Rows];
            VectorKernels.DotRowsScalar(m, dims, q, expected);
            VectorKernels.DotRows(m, dims, q, actual);
            for (int r = 0; r < Rows; r++)
            {
                float tol = 1e-5f * MathF.Max(1f, MathF.Sqrt(dims)) * MathF.Max(1f, MathF.Abs(expected[r]));
                if (MathF.Abs(expected[r] - actual[r]) > tol)
                {
                    Console.WriteLine($"kernels FAIL dims {dims} row {r}: {expected[r]} vs {actual[r]}");
                    return 1;
                }
            }

            // The rescoring kernel: scattered rows (reversed, then the first again), each the bits DotRows gave it.
            var rows = new int[Rows + 1];
            for (int i = 0; i < Rows; i++)
            {
                rows[i] = Rows - 1 - i;
            }

            var scattered = new float[rows.Length];
            VectorKernels.DotRowsAt(m, dims, rows, q, scattered);
            for (int i = 0; i < rows.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(scattered[i]) != BitConverter.SingleToInt32Bits(actual[rows[i]]))
                {
                    Console.WriteLine($"kernels FAIL DotRowsAt dims {dims} row {rows[i]}: {scattered[i]:R} vs {actual[rows[i]]:R}");
                    return 1;
                }
            }
        }

        Console.WriteLine(
            $"kernels ok (arch: {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, "
            + $"Vector128 accelerated: {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}, "
            + $"Vector256 accelerated: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated})");
        return 0;
    }
}
