using System;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// In-place inverse of a dense symmetric positive definite float matrix (row-major, n x n) through its Cholesky factor,
/// all in managed code. Every inner loop is a contiguous dot product (TensorPrimitives, SIMD), and each phase is blocked so a
/// row read from memory is reused by a block of rows or columns held in cache:
/// <list type="number">
/// <item>G = L Lᵀ (row-oriented Crout; L strictly below the diagonal in place, its diagonal in a side vector), rows of a block in parallel;</item>
/// <item>W = L⁻ᵀ into the upper triangle (column c of L⁻¹ by forward substitution), column blocks in parallel;</item>
/// <item>P = G⁻¹ = W Wᵀ, i.e. P[i,j] = W[i, j..] · W[j, j..], into the lower triangle, column blocks in parallel;</item>
/// <item>mirror to a full symmetric matrix.</item>
/// </list>
/// About n³/2 multiply-adds in total. Only the lower triangle (with the diagonal) of the input is read.
/// </summary>
internal static class SpdInverse
{
    private const int RowBlock = 64;
    private const int RowChunk = 16;
    private const int ColumnBlock = 16;

    /// <summary>Replaces <paramref name="a"/> (n x n, row-major, symmetric positive definite) by its inverse.</summary>
    /// <param name="a">The matrix; only its lower triangle is read. Holds the full symmetric inverse on return.</param>
    /// <param name="n">The order.</param>
    /// <param name="workers">Maximum degree of parallelism (at least 1).</param>
    /// <param name="progress">Optional progress callback, 0..1, called from worker threads.</param>
    /// <param name="cancellationToken">Cancels between blocks.</param>
    /// <exception cref="ArgumentException">The matrix is not positive definite (or contains non-finite values).</exception>
    public static void InvertInPlace(float[] a, int n, int workers, Action<double>? progress, CancellationToken cancellationToken)
    {
        if (n < 0 || a.Length < (long)n * n)
        {
            throw new ArgumentException($"The matrix must hold at least {n} x {n} values.", nameof(a));
        }

        if (n == 0)
        {
            return;
        }

        var po = Background.BackgroundScheduler.Options(workers, cancellationToken);
        var ld = new float[n];
        var pd = new float[n];
        double done = 0;
        double total = 3.0 * n;
        void Report(int units)
        {
            if (progress != null)
            {
                progress(Math.Min(1.0, AddAndGet(ref done, units) / total));
            }
        }

        Factor(a, n, ld, po, Report);
        InvertFactor(a, n, ld, po, Report);
        MultiplyTransposed(a, n, pd, po, Report);
        Mirror(a, n, pd);
    }

    private static double AddAndGet(ref double location, double value)
    {
        double initial, computed;
        do
        {
            initial = Volatile.Read(ref location);
            computed = initial + value;
        }
        while (Interlocked.CompareExchange(ref location, computed, initial) != initial);
        return computed;
    }

    /// <summary>Phase 1: Cholesky factor, L strictly lower in place, diag(L) into <paramref name="ld"/>.</summary>
    private static void Factor(float[] a, int n, float[] ld, ParallelOptions po, Action<int> report)
    {
        for (int i0 = 0; i0 < n; i0 += RowBlock)
        {
            po.CancellationToken.ThrowIfCancellationRequested();
            int i1 = Math.Min(n, i0 + RowBlock);
            int chunks = (i1 - i0 + RowChunk - 1) / RowChunk;
            int start = i0;
            if (i0 > 0)
            {
                // Columns left of the block: every L[j, :j] is final, rows of the block are independent.
                Parallel.For(0, chunks, po, c =>
                {
                    int r0 = start + (c * RowChunk);
                    int r1 = Math.Min(i1, r0 + RowChunk);
                    for (int j = 0; j < start; j++)
                    {
                        ReadOnlySpan<float> lj = a.AsSpan(j * n, j);
                        float inv = 1f / ld[j];
                        for (int i = r0; i < r1; i++)
                        {
                            int row = i * n;
                            a[row + j] = (a[row + j] - TensorPrimitives.Dot(a.AsSpan(row, j), lj)) * inv;
                        }
                    }
                });
            }

            // The triangle inside the block, sequentially.
            for (int i = i0; i < i1; i++)
            {
                int row = i * n;
                for (int j = i0; j < i; j++)
                {
                    a[row + j] = (a[row + j] - TensorPrimitives.Dot(a.AsSpan(row, j), a.AsSpan(j * n, j))) / ld[j];
                }

                ReadOnlySpan<float> li = a.AsSpan(row, i);
                float d = a[row + i] - TensorPrimitives.Dot(li, li);
                if (!(d > 0) || float.IsInfinity(d))
                {
                    throw new ArgumentException(
                        $"The matrix is not positive definite (pivot {i} is {d}); increase the regularisation.", nameof(a));
                }

                ld[i] = (float)Math.Sqrt(d);
            }

            report(i1 - i0);
        }
    }

    /// <summary>Phase 2: W = (L⁻¹)ᵀ into the upper triangle with the diagonal: W[c, k] = (L⁻¹)[k, c] for k ≥ c.</summary>
    private static void InvertFactor(float[] a, int n, float[] ld, ParallelOptions po, Action<int> report)
    {
        int blocks = (n + ColumnBlock - 1) / ColumnBlock;
        Parallel.For(0, blocks, po, b =>
        {
            int c0 = b * ColumnBlock;
            int c1 = Math.Min(n, c0 + ColumnBlock);
            for (int k = c0; k < n; k++)
            {
                int rowK = k * n;
                float inv = 1f / ld[k];
                int cEnd = Math.Min(c1, k + 1);
                for (int c = c0; c < cEnd; c++)
                {
                    int rowC = c * n;
                    if (c == k)
                    {
                        a[rowC + c] = inv;
                    }
                    else
                    {
                        a[rowC + k] = -TensorPrimitives.Dot(a.AsSpan(rowK + c, k - c), a.AsSpan(rowC + c, k - c)) * inv;
                    }
                }
            }

            report(c1 - c0);
        });
    }

    /// <summary>Phase 3: P[j, i] = W[i, j..] · W[j, j..] for i &lt; j into the lower triangle, diag(P) into <paramref name="pd"/>.</summary>
    private static void MultiplyTransposed(float[] a, int n, float[] pd, ParallelOptions po, Action<int> report)
    {
        int blocks = (n + ColumnBlock - 1) / ColumnBlock;
        Parallel.For(0, blocks, po, b =>
        {
            int j0 = b * ColumnBlock;
            int j1 = Math.Min(n, j0 + ColumnBlock);
            for (int i = 0; i < j1; i++)
            {
                int rowI = i * n;
                int jStart = Math.Max(j0, i);
                for (int j = jStart; j < j1; j++)
                {
                    int len = n - j;
                    float p = TensorPrimitives.Dot(a.AsSpan(rowI + j, len), a.AsSpan((j * n) + j, len));
                    if (i == j)
                    {
                        pd[j] = p;
                    }
                    else
                    {
                        a[(j * n) + i] = p;
                    }
                }
            }

            report(j1 - j0);
        });
    }

    /// <summary>Phase 4: copy the lower triangle over the upper one and put the diagonal back.</summary>
    private static void Mirror(float[] a, int n, float[] pd)
    {
        for (int i = 0; i < n; i++)
        {
            int row = i * n;
            for (int j = i + 1; j < n; j++)
            {
                a[row + j] = a[(j * n) + i];
            }

            a[row + i] = pd[i];
        }
    }
}
