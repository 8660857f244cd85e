using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Tests.Collaborative;

public sealed class InteractionMatrixTests
{
    [Fact]
    public void Build_DuplicatesAndUnsortedInput_SummedSortedAndNonPositiveDropped()
    {
        int[] users = { 1, 0, 1, 0, 1, 0 };
        int[] items = { 2, 1, 0, 1, 2, 2 };
        float[] weights = { 1, 2, 3, 0.5f, 1, -1 };

        var m = InteractionMatrix.Build(2, 3, users, items, weights);

        Assert.Equal(new[] { 1 }, m.ItemsOf(0).ToArray());
        Assert.Equal(new[] { 2.5f }, m.WeightsOf(0).ToArray());
        Assert.Equal(new[] { 0, 2 }, m.ItemsOf(1).ToArray());
        Assert.Equal(new[] { 3f, 2f }, m.WeightsOf(1).ToArray());
        Assert.Equal(new[] { 1, 1, 1 }, m.ItemSupport());
    }

    [Fact]
    public void Build_ItemOutOfRange_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => InteractionMatrix.Build(1, 2, new[] { 0 }, new[] { 2 }, new[] { 1f }));

        Assert.Contains("Item index 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LengthMismatch_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => InteractionMatrix.Build(1, 1, new[] { 0 }, new[] { 0 }, Array.Empty<float>()));
    }

    [Fact]
    public void Transpose_TwoByThree_SwapsRowsAndColumns()
    {
        var m = InteractionMatrix.Build(2, 3, new[] { 0, 0, 1 }, new[] { 0, 2, 2 }, new[] { 1f, 2f, 3f });

        var t = m.Transpose();

        Assert.Equal(3, t.UserCount);
        Assert.Equal(new[] { 0 }, t.ItemsOf(0).ToArray());
        Assert.Empty(t.ItemsOf(1).ToArray());
        Assert.Equal(new[] { 0, 1 }, t.ItemsOf(2).ToArray());
        Assert.Equal(new[] { 2f, 3f }, t.WeightsOf(2).ToArray());
    }

    [Fact]
    public void Builder_StringIds_NumberedInFirstAppearanceOrder()
    {
        var b = new InteractionMatrixBuilder();
        b.Add("u2", "b", 1);
        b.Add("u1", "a", 1);
        b.Add("u2", "a", 2);

        var (m, users, items) = b.Build();

        Assert.Equal(new[] { "u2", "u1" }, users);
        Assert.Equal(new[] { "b", "a" }, items);
        Assert.Equal(new[] { 0, 1 }, m.ItemsOf(0).ToArray());
    }
}
