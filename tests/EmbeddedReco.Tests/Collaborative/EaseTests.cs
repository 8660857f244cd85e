using EmbeddedReco.Collaborative;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Collaborative;

public sealed class EaseTests
{
    private static CollaborativeOptions Ease(double lambda = 1) =>
        new() { Algorithm = CollaborativeAlgorithm.Ease, EaseLambda = lambda, MinItemSupport = 1 };

    /// <summary>users {a,b}, {a}, {b}: G = [[2,1],[1,2]], +λ=1 → [[3,1],[1,3]], P = [[3,-1],[-1,3]]/8, B[a,b] = B[b,a] = 1/3.</summary>
    [Fact]
    public void Train_TwoItemsHandComputed_WeightsOneThird()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u1", "a", 1);
        b.Add("u1", "b", 1);
        b.Add("u2", "a", 1);
        b.Add("u3", "b", 1);
        var (m, _, items) = b.Build();

        var model = CollaborativeModel.Train(items, m, Ease());

        Assert.Equal(CollaborativeAlgorithm.Ease, model.Algorithm);
        Assert.Equal(new[] { "a", "b" }, model.ItemIds);
        Assert.Equal(0f, model.Weight(0, 0));
        Assert.Equal(1f / 3, model.Weight(0, 1), 5);
        Assert.Equal(1f / 3, model.Weight(1, 0), 5);
        Assert.Equal(0f, model.Weight(1, 1));
    }

    [Fact]
    public void Score_WeightedHistory_IsWeightedSumOfRows()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u1", "a", 1);
        b.Add("u1", "b", 1);
        b.Add("u2", "a", 1);
        b.Add("u3", "b", 1);
        var (m, _, items) = b.Build();
        var model = CollaborativeModel.Train(items, m, Ease());
        var scores = new float[2];

        model.Score(new[] { 0 }, new[] { 2f }, scores);

        Assert.Equal(0f, scores[0]);
        Assert.Equal(2f / 3, scores[1], 5);
    }

    [Fact]
    public void Train_ThreeItems_MatchesDoublePrecisionReference()
    {
        // Users over items x, y, z with engagement weights.
        var triples = new (string U, string I, float W)[]
        {
            ("1", "x", 1), ("1", "y", 2), ("2", "y", 1), ("2", "z", 1), ("3", "x", 3), ("3", "z", 1), ("4", "x", 1), ("4", "y", 1), ("4", "z", 0.5f),
        };
        var b = new InteractionMatrixBuilder();
        foreach (var (u, i, w) in triples)
        {
            b.Add(u, i, w);
        }

        var (m, users, items) = b.Build();
        const double lambda = 0.5;

        var model = CollaborativeModel.Train(items, m, Ease(lambda));

        // Reference: dense X, G = XᵀX + λI, Gauss-Jordan inverse in double.
        int n = 3;
        var g = new double[n, n];
        foreach (var user in users)
        {
            var row = triples.Where(t => t.U == user).ToArray();
            foreach (var p in row)
            {
                foreach (var q in row)
                {
                    g[Array.IndexOf(items, p.I), Array.IndexOf(items, q.I)] += p.W * q.W;
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            g[i, i] += lambda;
        }

        double[,] p2 = Invert(g);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = i == j ? 0 : -p2[i, j] / p2[j, j];
                int mi = model.IndexOf(items[i]);
                int mj = model.IndexOf(items[j]);
                Assert.Equal(expected, model.Weight(mi, mj), 4);
            }
        }
    }

    [Fact]
    public void Train_MinItemSupport_LeavesRareItemsOut()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u1", "common", 1);
        b.Add("u2", "common", 1);
        b.Add("u1", "rare", 1);
        var (m, _, items) = b.Build();
        var options = Ease();
        options.MinItemSupport = 2;

        var model = CollaborativeModel.Train(items, m, options);

        Assert.Equal(new[] { "common" }, model.ItemIds);
        Assert.Equal(-1, model.IndexOf("rare"));
    }

    [Fact]
    public void Train_AutoAboveMaxEaseItems_ChoosesItemKnn()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u1", "a", 1);
        b.Add("u1", "b", 1);
        b.Add("u1", "c", 1);
        var (m, _, items) = b.Build();

        var small = CollaborativeModel.Train(items, m, new CollaborativeOptions { MinItemSupport = 1, MaxEaseItems = 3 });
        var large = CollaborativeModel.Train(items, m, new CollaborativeOptions { MinItemSupport = 1, MaxEaseItems = 2 });

        Assert.Equal(CollaborativeAlgorithm.Ease, small.Algorithm);
        Assert.Equal(CollaborativeAlgorithm.ItemKnn, large.Algorithm);
    }

    [Fact]
    public void Train_EaseForcedAboveMax_KeepsMostSupportedItems()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u1", "a", 1);
        b.Add("u1", "b", 1);
        b.Add("u2", "b", 1);
        b.Add("u2", "c", 1);
        b.Add("u3", "c", 1);
        var (m, _, items) = b.Build();

        var model = CollaborativeModel.Train(items, m, new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.Ease, MinItemSupport = 1, MaxEaseItems = 2 });

        Assert.Equal(new[] { "b", "c" }, model.ItemIds);
    }

    [Fact]
    public void Train_InvalidOptions_ThrowsArgumentExceptionNamingSetting()
    {
        var (m, _, items) = new InteractionMatrixBuilder().Build();

        var ex = Assert.Throws<ArgumentException>(() => CollaborativeModel.Train(items, m, new CollaborativeOptions { EaseLambda = 0 }));

        Assert.Contains("EaseLambda", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ProgressAndEmptyData_ReportsOneAndHasNoItems()
    {
        var (m, _, items) = new InteractionMatrixBuilder().Build();
        var reports = new List<double>();

        var model = CollaborativeModel.Train(items, m, null, new SyncProgress(reports));

        Assert.Equal(0, model.ItemCount);
        Assert.Equal(1.0, reports[^1]);
    }

    [Fact]
    public void Score_SteadyState_AllocatesNothing()
    {
        var b = new InteractionMatrixBuilder();
        var rng = new Random(1);
        for (int u = 0; u < 50; u++)
        {
            for (int k = 0; k < 10; k++)
            {
                b.Add("u" + u, "i" + rng.Next(40), 1);
            }
        }

        var (m, _, items) = b.Build();
        var ease = CollaborativeModel.Train(items, m, Ease(10));
        var knn = CollaborativeModel.Train(items, m, new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.ItemKnn, MinItemSupport = 1 });
        int[] history = { 0, 3, 5 };
        float[] weights = { 1, 2, -1 };
        var s1 = new float[ease.ItemCount];
        var s2 = new float[knn.ItemCount];
        ease.Score(history, weights, s1);
        knn.Score(history, weights, s2);

        long allocated = AllocationMeter.SteadyStateBytes(
            () =>
            {
                ease.Score(history, weights, s1);
                knn.Score(history, weights, s2);
            },
            cleanCalls: 100);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Score_WrongSpanLength_ThrowsArgumentException()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u1", "a", 1);
        var (m, _, items) = b.Build();
        var model = CollaborativeModel.Train(items, m, Ease());

        Assert.Throws<ArgumentException>(() => model.Score(new[] { 0 }, new[] { 1f }, new float[5]));
        Assert.Throws<ArgumentException>(() => model.Score(new[] { 0 }, Array.Empty<float>(), new float[1]));
    }

    private static double[,] Invert(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                m[i, j] = a[i, j];
            }

            m[i, n + i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            double pivot = m[c, c];
            for (int j = 0; j < 2 * n; j++)
            {
                m[c, j] /= pivot;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != c)
                {
                    double f = m[r, c];
                    for (int j = 0; j < 2 * n; j++)
                    {
                        m[r, j] -= f * m[c, j];
                    }
                }
            }
        }

        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                inv[i, j] = m[i, n + j];
            }
        }

        return inv;
    }

    internal sealed class SyncProgress : IProgress<double>
    {
        private readonly List<double> sink;

        public SyncProgress(List<double> sink) => this.sink = sink;

        public void Report(double value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
