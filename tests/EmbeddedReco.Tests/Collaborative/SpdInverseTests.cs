using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Tests.Collaborative;

public sealed class SpdInverseTests
{
    /// <summary>A random sparse-ish Gram matrix plus a ridge, like EASE's G.</summary>
    internal static float[] RandomSpd(int n, int seed, float ridge = 2f)
    {
        var rng = new Random(seed);
        int users = n + 10;
        var x = new float[users * n];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble() < 0.2 ? 1f : 0f;
        }

        var g = new float[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int u = 0; u < users; u++)
                {
                    s += x[(u * n) + i] * x[(u * n) + j];
                }

                g[(i * n) + j] = (float)s + (i == j ? ridge : 0f);
            }
        }

        return g;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    [InlineData(150)]
    [InlineData(200)]
    public void InvertInPlace_RandomSpd_ProductIsIdentity(int n)
    {
        float[] g = RandomSpd(n, seed: n);
        var inv = (float[])g.Clone();

        SpdInverse.InvertInPlace(inv, n, workers: 2, progress: null, CancellationToken.None);

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += (double)g[(i * n) + k] * inv[(k * n) + j];
                }

                Assert.True(Math.Abs(s - (i == j ? 1 : 0)) < 1e-3, $"(G·G⁻¹)[{i},{j}] = {s}");
                Assert.Equal(inv[(i * n) + j], inv[(j * n) + i]);
            }
        }
    }

    [Fact]
    public void InvertInPlace_ReadsOnlyLowerTriangle_SameResult()
    {
        const int n = 40;
        float[] g = RandomSpd(n, seed: 3);
        var full = (float[])g.Clone();
        var lower = (float[])g.Clone();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                lower[(i * n) + j] = float.NaN;
            }
        }

        SpdInverse.InvertInPlace(full, n, 1, null, CancellationToken.None);
        SpdInverse.InvertInPlace(lower, n, 2, null, CancellationToken.None);

        Assert.Equal(full, lower);
    }

    [Fact]
    public void InvertInPlace_NotPositiveDefinite_ThrowsArgumentException()
    {
        var a = new float[] { 1, 2, 2, 1 };

        var ex = Assert.Throws<ArgumentException>(() => SpdInverse.InvertInPlace(a, 2, 1, null, CancellationToken.None));

        Assert.Contains("positive definite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvertInPlace_Progress_EndsAtOne()
    {
        const int n = 100;
        float[] g = RandomSpd(n, seed: 5);
        double last = 0;
        int calls = 0;
        var gate = new object();

        SpdInverse.InvertInPlace(g, n, 2, p => { lock (gate) { calls++; last = Math.Max(last, p); } }, CancellationToken.None);

        Assert.True(calls > 0);
        Assert.Equal(1.0, last, 6);
    }

    [Fact]
    public void InvertInPlace_Cancelled_Throws()
    {
        float[] g = RandomSpd(80, seed: 9);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => SpdInverse.InvertInPlace(g, 80, 2, null, cts.Token));
    }
}
