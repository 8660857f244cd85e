using System;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): G = XᵀX + λI, P = G⁻¹,
/// B[i, j] = -P[i, j] / P[j, j] for i ≠ j and B[i, i] = 0. Dense float n x n, computed in place.
/// </summary>
internal static class EaseTrainer
{
    /// <summary>The largest item count whose n² float matrix fits one .NET array.</summary>
    public const int MaxItems = 46_000;

    /// <summary>Trains EASE weights; returns B row-major (row h = the weights added to every item when the user has item h).</summary>
    public static float[] Train(InteractionMatrix x, double lambda, int workers, Action<double>? progress, CancellationToken cancellationToken)
    {
        int n = x.ItemCount;
        if (n > MaxItems)
        {
            throw new ArgumentException($"EASE supports at most {MaxItems} items (a dense n² matrix); got {n}. Use item-kNN.", nameof(x));
        }

        var po = Background.BackgroundScheduler.Options(workers, cancellationToken);
        var g = new float[(long)n * n];
        Gram(x, g, po);
        return FromGram(g, n, lambda, po, progress, cancellationToken);
    }

    /// <summary>EASE from a Gram matrix (lower triangle with diagonal, row-major n x n), in place: the fleet trainer accumulates it file by file.</summary>
    public static float[] FromGram(float[] g, int n, double lambda, ParallelOptions po, Action<double>? progress, CancellationToken cancellationToken)
    {
        for (int i = 0; i < n; i++)
        {
            g[((long)i * n) + i] += (float)lambda;
        }

        progress?.Invoke(0.05);
        SpdInverse.InvertInPlace(g, n, po.MaxDegreeOfParallelism, progress == null ? null : f => progress(0.05 + (0.9 * f)), cancellationToken);

        // B = -P / diag(P) column-wise, zero diagonal.
        var scale = new float[n];
        for (int j = 0; j < n; j++)
        {
            scale[j] = -1f / g[((long)j * n) + j];
        }

        Parallel.For(0, n, po, h =>
        {
            Span<float> row = g.AsSpan(h * n, n);
            TensorPrimitives.Multiply(row, scale, row);
            row[h] = 0;
        });
        progress?.Invoke(1.0);
        return g;
    }

    /// <summary>Lower triangle (with diagonal) of XᵀX; item rows are split between workers so no two threads write one row.</summary>
    internal static void Gram(InteractionMatrix x, float[] g, ParallelOptions po)
    {
        int n = x.ItemCount;
        int parts = Math.Max(1, po.MaxDegreeOfParallelism) * 4;
        Parallel.For(0, parts, po, part =>
        {
            for (int u = 0; u < x.UserCount; u++)
            {
                ReadOnlySpan<int> items = x.ItemsOf(u);
                ReadOnlySpan<float> w = x.WeightsOf(u);
                for (int p = 0; p < items.Length; p++)
                {
                    int i = items[p];
                    if (i % parts != part)
                    {
                        continue;
                    }

                    long row = (long)i * n;
                    float wi = w[p];

                    // Items are sorted within a row, so q <= p gives the lower triangle.
                    for (int q = 0; q <= p; q++)
                    {
                        g[row + items[q]] += wi * w[q];
                    }
                }
            }
        });
    }
}
