using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Scoring;

public class SuggestTests
{
    [Fact]
    public void Suggest_EmptyCatalog_ReturnsEmptyList()
    {
        using var engine = TestCatalog.InMemory();
        Assert.Empty(engine.Suggest("u"));
        Span<Suggestion> buffer = new Suggestion[5];
        Assert.Equal(0, engine.Suggest("u", buffer));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Suggest_CountNotPositive_ThrowsArgumentOutOfRange(int count)
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(5, 8));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => engine.Suggest("u", count));
        Assert.Equal("count", ex.ParamName);
    }

    [Fact]
    public void Suggest_EmptyBuffer_ThrowsArgument()
    {
        using var engine = TestCatalog.InMemory();
        Assert.Throws<ArgumentException>(() => engine.Suggest("u", Span<Suggestion>.Empty));
    }

    [Fact]
    public void Suggest_CountLargerThanCatalog_IsClamped()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(7, 8));

        Assert.Equal(7, engine.Suggest("u", 500).Count);
    }

    [Fact]
    public void Suggest_BadUserId_Throws()
    {
        using var engine = TestCatalog.InMemory();
        Assert.Throws<ArgumentNullException>(() => engine.Suggest(null!));
        Assert.Throws<ArgumentException>(() => engine.Suggest(""));
        Assert.Throws<ArgumentException>(() => engine.Suggest(new string('x', 1000)));
    }

    [Fact]
    public void Suggest_UnknownUser_GetsPopularList()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(30, 8));
        engine.Record(new Interaction("someone", "item-0020", InteractionKind.Like));

        var list = engine.Suggest("stranger");

        Assert.Equal(10, list.Count);
        Assert.Equal("item-0020", list[0].ItemId);
        Assert.All(list, s => Assert.Equal(SuggestionSource.Popular, s.Source));
        Assert.Equal(list.Skip(1).Select(s => s.ItemId).OrderBy(x => x, StringComparer.Ordinal), list.Skip(1).Select(s => s.ItemId));
    }

    [Fact]
    public void Suggest_MatchesBruteForceCosineRankingWithIdTieBreak()
    {
        using var engine = TestCatalog.InMemory(dimensions: 16);
        var items = TestCatalog.Random(500, 16, seed: 3);
        // Exact duplicates of vectors force ties that must be broken by id.
        items.Add(new ItemDefinition("dup-b", items[10].Features));
        items.Add(new ItemDefinition("dup-a", items[10].Features));
        engine.UpsertItems(items);
        engine.Record(new Interaction("u", "item-0010", InteractionKind.Like));
        engine.Record(new Interaction("u", "item-0042", InteractionKind.Click));

        var profile = engine.GetProfile("u")!.Vector.ToArray();
        var expected = items
            .Select(i => (i.Id, Score: Cosine(profile, i.Features.ToArray())))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(25).Select(x => x.Id).ToList();

        var actual = engine.Suggest("u", 25).Select(s => s.ItemId).ToList();

        Assert.Equal(expected.Take(3).OrderBy(x => x, StringComparer.Ordinal), actual.Take(3).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(new[] { "dup-a", "dup-b", "item-0010" }, actual.Take(3));
        Assert.Equal(expected.Skip(3), actual.Skip(3));
    }

    [Fact]
    public void Suggest_SpanOverload_WritesSameAsListOverload()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(100, 8));
        engine.Record(new Interaction("u", "item-0001", InteractionKind.Like));

        var buffer = new Suggestion[12];
        int n = engine.Suggest("u", buffer);

        Assert.Equal(12, n);
        Assert.Equal(engine.Suggest("u", 12), buffer);
    }

    [Fact]
    public void Suggest_SteadyState_AllocatesNothing()
    {
        using var engine = TestCatalog.InMemory(dimensions: 32);
        engine.UpsertItems(TestCatalog.Random(2000, 32));
        engine.Record(new Interaction("u", "item-0001", InteractionKind.Like));
        engine.Record(new Interaction("u", "item-0002", InteractionKind.Purchase));
        var buffer = new Suggestion[10];
        engine.Suggest("u", buffer);
        engine.Suggest("cold", buffer);

        long allocated = AllocationMeter.SteadyStateBytes(() =>
        {
            engine.Suggest("u", buffer);
            engine.Suggest("cold", buffer);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Suggest_AfterDispose_ThrowsObjectDisposed()
    {
        var engine = TestCatalog.InMemory();
        engine.Dispose();
        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => engine.Suggest("u"));
        Assert.Throws<ObjectDisposedException>(() => engine.Record(new Interaction("u", "i", InteractionKind.Click)));
        Assert.Throws<ObjectDisposedException>(() => engine.UpsertItem(new ItemDefinition("i", new float[8])));
        Assert.Throws<ObjectDisposedException>(() => engine.Flush());
        Assert.Throws<ObjectDisposedException>(() => engine.GetProfile("u"));
        Assert.Throws<ObjectDisposedException>(() => engine.ForgetUser("u"));
        Assert.Throws<ObjectDisposedException>(() => engine.RemoveItem("i"));
    }

    private static double Cosine(IReadOnlyList<float> a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < b.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
