using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Catalog;

public class CatalogTests
{
    public static TheoryData<ItemDefinition, Type, string> BadItems
    {
        get
        {
            var ok = new float[] { 1, 0, 0, 0 };
            return new TheoryData<ItemDefinition, Type, string>
            {
                { new ItemDefinition(null!, ok), typeof(ArgumentNullException), "null" },
                { new ItemDefinition("", ok), typeof(ArgumentException), "empty" },
                { new ItemDefinition("   ", ok), typeof(ArgumentException), "empty" },
                { new ItemDefinition(new string('x', 257), ok), typeof(ArgumentException), "257 UTF-8 bytes" },
                { new ItemDefinition(new string('é', 129), ok), typeof(ArgumentException), "258 UTF-8 bytes" },
                { new ItemDefinition("a", new float[] { 1, 0, 0 }), typeof(ArgumentException), "has 3 values" },
                { new ItemDefinition("a", new float[] { 1, float.NaN, 0, 0 }), typeof(ArgumentException), "non-finite" },
                { new ItemDefinition("a", new float[] { 1, 0, float.PositiveInfinity, 0 }), typeof(ArgumentException), "non-finite" },
                { new ItemDefinition("a", ok, new[] { "ok", "" }), typeof(ArgumentException), "empty or null tag" },
                { new ItemDefinition("a\uD800", ok), typeof(ArgumentException), "unpaired UTF-16 surrogate (U+D800) at index 1" },
                { new ItemDefinition("\uDC00a", ok), typeof(ArgumentException), "unpaired UTF-16 surrogate (U+DC00) at index 0" },
                { new ItemDefinition("a", ok, new[] { "ok", "fire\uD83D" }), typeof(ArgumentException), "Tag 1 of item 'a' has an unpaired UTF-16 surrogate" },
                { new ItemDefinition("a", ok, new[] { new string('t', 257) }), typeof(ArgumentException), "Tag 0 of item 'a' is 257 UTF-8 bytes long" },
                { new ItemDefinition("a", ok, Enumerable.Range(0, 65).Select(i => $"t{i}").ToArray()), typeof(ArgumentException), "has 65 tags; the limit is 64" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(BadItems))]
    public void UpsertItem_BadItem_ThrowsAndLeavesCatalogUnchanged(ItemDefinition bad, Type exceptionType, string messagePart)
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);
        engine.UpsertItem(new ItemDefinition("keep", new float[] { 0, 1, 0, 0 }));

        var ex = Assert.ThrowsAny<ArgumentException>(() => engine.UpsertItems(new[] { new ItemDefinition("fine", new float[] { 1, 1, 0, 0 }), bad }));

        Assert.IsType(exceptionType, ex);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, engine.ItemCount);
        Assert.False(engine.ContainsItem("fine"));
    }

    [Fact]
    public void UpsertItem_SixtyFourTagsOfMaximumLength_IsAccepted()
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);
        var tags = Enumerable.Range(0, 64).Select(i => $"{i:D2}" + new string('\u20ac', 84)).ToArray(); // 2 + 252 = 254 bytes each

        engine.UpsertItem(new ItemDefinition("a", new float[] { 1, 0, 0, 0 }, tags));

        Assert.True(engine.ContainsItem("a"));
    }

    [Fact]
    public void RemoveItem_UnpairedSurrogate_ThrowsArgumentException()
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);

        Assert.Throws<ArgumentException>(() => engine.RemoveItem("x\uDBFF"));
    }

    [Fact]
    public void UpsertItems_DuplicateIdInBatch_Throws()
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);
        var v = new float[] { 1, 0, 0, 0 };

        var ex = Assert.Throws<ArgumentException>(() => engine.UpsertItems(new[] { new ItemDefinition("a", v), new ItemDefinition("a", v) }));

        Assert.Contains("more than once", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.ItemCount);
    }

    [Fact]
    public void UpsertItems_NullItem_ThrowsArgumentNull()
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);
        Assert.Throws<ArgumentNullException>(() => engine.UpsertItems(new ItemDefinition[] { null! }));
        Assert.Throws<ArgumentNullException>(() => engine.UpsertItems(null!));
        Assert.Throws<ArgumentNullException>(() => engine.UpsertItem(null!));
    }

    [Fact]
    public void UpsertItem_ExistingId_ReplacesVectorAndKeepsCount()
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);
        engine.UpsertItem(new ItemDefinition("a", new float[] { 1, 0, 0, 0 }));
        engine.UpsertItem(new ItemDefinition("b", new float[] { 0, 1, 0, 0 }));
        engine.Record(new Interaction("u", "a", InteractionKind.Like));

        engine.UpsertItem(new ItemDefinition("b", new float[] { 1, 0.01f, 0, 0 }));

        Assert.Equal(2, engine.ItemCount);
        var top = engine.Suggest("u", 2);
        Assert.Equal("a", top[0].ItemId);
        Assert.Equal("b", top[1].ItemId);
        Assert.Equal(SuggestionSource.Personalized, top[1].Source);
    }

    [Fact]
    public void RemoveItem_KnownAndUnknown_ReturnsWhetherRemoved()
    {
        using var engine = TestCatalog.InMemory(dimensions: 8);
        engine.UpsertItems(TestCatalog.Random(10, 8));

        Assert.True(engine.RemoveItem("item-0003"));
        Assert.False(engine.RemoveItem("item-0003"));
        Assert.False(engine.RemoveItem("nope"));
        Assert.Equal(9, engine.ItemCount);
        Assert.DoesNotContain(engine.Suggest("u", 100), s => s.ItemId == "item-0003");
    }

    [Fact]
    public void UpsertItem_ZeroVector_IsAllowedAndReachableByPopularity()
    {
        using var engine = TestCatalog.InMemory(dimensions: 4);
        engine.UpsertItem(new ItemDefinition("zero", new float[4]));
        engine.Record(new Interaction("other", "zero", InteractionKind.Purchase));

        var list = engine.Suggest("newcomer");

        Assert.Equal("zero", Assert.Single(list).ItemId);
        Assert.Equal(SuggestionSource.Popular, list[0].Source);
    }

    [Fact]
    public void ComputeIdRank_MixedIds_IsTheOrdinalPosition()
    {
        var ids = new[] { "b", "B", "a", "ä", "a1" };
        var rank = EmbeddedReco.Catalog.CatalogSnapshot.ComputeIdRank(ids);
        var ordinal = ids.OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(ids.Select(id => ordinal.IndexOf(id)), rank);
        Assert.True(EmbeddedReco.Catalog.CatalogSnapshot.IsIdRank(ids, rank));
    }

    [Theory]
    [InlineData(new[] { 1, 0, 2 })]
    [InlineData(new[] { 0, 0, 2 })]
    [InlineData(new[] { 0, 1, 3 })]
    [InlineData(new[] { 0, 1 })]
    public void IsIdRank_NotTheOrdinalOrder_False(int[] rank)
    {
        Assert.False(EmbeddedReco.Catalog.CatalogSnapshot.IsIdRank(new[] { "a", "b", "c" }, rank));
    }

    [Fact]
    public void IsIdRank_DuplicateIds_False()
    {
        Assert.False(EmbeddedReco.Catalog.CatalogSnapshot.IsIdRank(new[] { "a", "a", "c" }, new[] { 0, 1, 2 }));
    }
}
