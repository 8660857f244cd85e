using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Tests.Collaborative;

public sealed class ItemKnnTests
{
    [Theory]
    [InlineData(3, 0f)]
    [InlineData(10, 2f)]
    [InlineData(100, 0.5f)]
    public void Train_RandomData_MatchesBruteForceCosine(int k, float shrink)
    {
        const int users = 60, items = 35;
        var rng = new Random(11);
        var b = new InteractionMatrixBuilder();
        var dense = new double[users, items];
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                if (rng.NextDouble() < 0.15)
                {
                    float w = 1 + rng.Next(3);
                    b.Add(u.ToString("D3"), i.ToString("D3"), w);
                    dense[u, i] += w;
                }
            }
        }

        var (m, _, ids) = b.Build();
        var options = new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.ItemKnn, MinItemSupport = 1, Neighbours = k, Shrink = shrink };

        var model = CollaborativeModel.Train(ids, m, options);

        // Brute force: every item's top-k most similar items (positive cosine with shrink; ties by index, which is ordinal id
        // order = numeric order for these zero-padded ids).
        double Sim(int a, int c)
        {
            double dot = 0, na = 0, nc = 0;
            for (int u = 0; u < users; u++)
            {
                dot += dense[u, a] * dense[u, c];
                na += dense[u, a] * dense[u, a];
                nc += dense[u, c] * dense[u, c];
            }

            return dot / ((Math.Sqrt(na) * Math.Sqrt(nc)) + shrink);
        }

        var present = model.ItemIds.Select(int.Parse).ToArray();
        var topOf = new Dictionary<int, HashSet<int>>();
        foreach (int j in present)
        {
            topOf[j] = present.Where(c => c != j).Select(c => (Sim: Sim(j, c), Item: c)).Where(e => e.Sim > 0)
                .OrderByDescending(e => Math.Round(e.Sim, 5)).ThenBy(e => e.Item).Take(k).Select(e => e.Item).ToHashSet();
        }

        // Scoring a history of one item a gives every candidate j with a in topk(j) the score sim(a, j), and 0 elsewhere.
        foreach (int a in present)
        {
            var scores = new float[model.ItemCount];
            model.Score(new[] { model.IndexOf(a.ToString("D3")) }, new[] { 1f }, scores);
            foreach (int j in present)
            {
                double expected = topOf[j].Contains(a) ? Sim(a, j) : 0;
                Assert.Equal(expected, scores[model.IndexOf(j.ToString("D3"))], 4);
            }
        }
    }

    [Fact]
    public void Train_Parallel_SameAsSingleThread()
    {
        var rng = new Random(5);
        var b = new InteractionMatrixBuilder();
        for (int u = 0; u < 200; u++)
        {
            for (int j = 0; j < 8; j++)
            {
                b.Add("u" + u, "i" + rng.Next(120), 1);
            }
        }

        var (m, _, ids) = b.Build();

        var one = CollaborativeModel.Train(ids, m, new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.ItemKnn, MaxDegreeOfParallelism = 1, Neighbours = 5 });
        var two = CollaborativeModel.Train(ids, m, new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.ItemKnn, MaxDegreeOfParallelism = 2, Neighbours = 5 });

        Assert.Equal(one.ItemIds, two.ItemIds);
        for (int i = 0; i < one.ItemCount; i++)
        {
            for (int j = 0; j < one.ItemCount; j++)
            {
                Assert.Equal(one.Weight(i, j), two.Weight(i, j));
            }
        }
    }
}
