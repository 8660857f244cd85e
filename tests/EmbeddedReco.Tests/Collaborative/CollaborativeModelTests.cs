using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Tests.Collaborative;

public sealed class CollaborativeModelTests
{
    private static (InteractionMatrix M, string[] Ids) Data()
    {
        var rng = new Random(2);
        var b = new InteractionMatrixBuilder();
        for (int u = 0; u < 40; u++)
        {
            for (int k = 0; k < 6; k++)
            {
                b.Add("u" + u, "i" + rng.Next(25), 1);
            }
        }

        var (m, _, ids) = b.Build();
        return (m, ids);
    }

    [Theory]
    [InlineData(CollaborativeAlgorithm.Ease)]
    [InlineData(CollaborativeAlgorithm.ItemKnn)]
    public void FromParts_TrainedModelParts_ScoresIdentically(CollaborativeAlgorithm algorithm)
    {
        var (m, ids) = Data();
        var model = CollaborativeModel.Train(ids, m, new CollaborativeOptions { Algorithm = algorithm, MinItemSupport = 1, EaseLambda = 5 });

        var copy = algorithm == CollaborativeAlgorithm.Ease
            ? CollaborativeModel.FromDense(model.ItemIds, model.DenseWeights.ToArray())
            : CollaborativeModel.FromNeighbours(model.ItemIds, model.NeighbourStart.ToArray(), model.Neighbours.ToArray(), model.Similarities.ToArray());

        var a = new float[model.ItemCount];
        var b = new float[model.ItemCount];
        model.Score(new[] { 1, 2 }, new[] { 1f, 0.5f }, a);
        copy.Score(new[] { 1, 2 }, new[] { 1f, 0.5f }, b);
        Assert.Equal(a, b);
        Assert.Equal(algorithm, copy.Algorithm);
    }

    [Fact]
    public void FromDense_WrongLengthOrNaN_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => CollaborativeModel.FromDense(new[] { "a", "b" }, new float[3]));
        Assert.Throws<ArgumentException>(() => CollaborativeModel.FromDense(new[] { "a" }, new[] { float.NaN }));
        Assert.Throws<ArgumentException>(() => CollaborativeModel.FromDense(new[] { "a", "a" }, new float[4]));
    }

    [Fact]
    public void FromNeighbours_IndexOutOfRange_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => CollaborativeModel.FromNeighbours(new[] { "a", "b" }, new[] { 0, 1, 1 }, new[] { 2 }, new[] { 1f }));

        Assert.Contains("outside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Cancelled_ThrowsOperationCanceled()
    {
        var (m, ids) = Data();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => CollaborativeModel.Train(ids, m, null, null, cts.Token));
    }

    [Fact]
    public void Train_InputOrderOfItems_DoesNotChangeModel()
    {
        var b1 = new InteractionMatrixBuilder();
        var b2 = new InteractionMatrixBuilder();
        var triples = new List<(string, string)>();
        var rng = new Random(4);
        for (int u = 0; u < 30; u++)
        {
            for (int k = 0; k < 5; k++)
            {
                triples.Add(("u" + u, "i" + rng.Next(15)));
            }
        }

        foreach (var (u, i) in triples)
        {
            b1.Add(u, i, 1);
        }

        foreach (var (u, i) in Enumerable.Reverse(triples))
        {
            b2.Add(u, i, 1);
        }

        var (m1, _, ids1) = b1.Build();
        var (m2, _, ids2) = b2.Build();
        var o = new CollaborativeOptions { MinItemSupport = 1, EaseLambda = 3 };

        var a = CollaborativeModel.Train(ids1, m1, o);
        var c = CollaborativeModel.Train(ids2, m2, o);

        Assert.Equal(a.ItemIds, c.ItemIds);
        Assert.Equal(a.DenseWeights.ToArray(), c.DenseWeights.ToArray());
    }
}

public sealed class CollaborativeModelMappingTests
{
    [Fact]
    public void MapIdsAndGather_CatalogOrder_ScoresFollowRowsAndMissingFilled()
    {
        var model = CollaborativeModel.FromDense(new[] { "a", "b" }, new float[] { 0, 2, 3, 0 });
        int[] rowToModel = model.MapIds(new[] { "b", "new", "a" });
        var modelScores = new float[2];
        var rows = new float[3];

        model.Score(new[] { 0 }, new[] { 1f }, modelScores);
        CollaborativeModel.Gather(modelScores, rowToModel, rows, float.NaN);

        Assert.Equal(new[] { 1, -1, 0 }, rowToModel);
        Assert.Equal(2f, rows[0]);
        Assert.True(float.IsNaN(rows[1]));
        Assert.Equal(0f, rows[2]);
    }
}
