using EmbeddedReco.Catalog;
using EmbeddedReco.Policy;

namespace EmbeddedReco.Tests.Policy;

/// <summary>The list policy on its own: a catalog, blended scores and settings in, picks out. No engine, no database.</summary>
public sealed class SuggestPolicyTests
{
    internal const int Items = 40;

    /// <summary>40 items, 2 dimensions (every row the same direction), tagged even/odd; counters at zero.</summary>
    internal static CatalogSnapshot Catalog()
    {
        var ids = new string[Items];
        var tags = new string[Items][];
        var vectors = new float[Items * 2];
        for (int i = 0; i < Items; i++)
        {
            ids[i] = $"item-{i:D2}";
            tags[i] = new[] { i % 2 == 0 ? "even" : "odd" };
            vectors[2 * i] = 1;
        }

        return new CatalogSnapshot(2, ids, vectors, tags, MutableItemCounters.Create(Items, null));
    }

    /// <summary>Row i scores 1 - i / Items: the rows are ranked in index order.</summary>
    private static float[] Ranked()
    {
        var blended = new float[Items];
        for (int i = 0; i < Items; i++)
        {
            blended[i] = 1f - ((float)i / Items);
        }

        return blended;
    }

    private static (PolicyPick[] Picks, int Penalized) Select(PolicyOptions options, SuggestOptions? call, float[] blended, int[]? excluded = null, int count = 5, RecentLists? recent = null)
    {
        var policy = new SuggestPolicy(options);
        var catalog = Catalog();
        var scratch = new PolicyScratch();
        scratch.Ensure(policy.CandidateCount(Items, count), count, catalog.Dimensions, catalog.Count);
        var request = new PolicyRequest
        {
            Catalog = catalog,
            Blended = blended,
            ExcludedRows = excluded ?? Array.Empty<int>(),
            Recent = recent,
            UserId = "p",
            Count = count,
            HasProfile = true,
        };
        var settings = SuggestSettings.Resolve(options, null, "p", call);
        int n = policy.Select(in request, in settings, scratch, out int penalized);
        return (scratch.Picks.Take(n).ToArray(), penalized);
    }

    [Fact]
    public void Select_PureRelevance_TopRowsInOrderWithPropensityOne()
    {
        var (picks, _) = Select(new PolicyOptions { Epsilon = 0, Diversity = 1 }, null, Ranked());

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, picks.Select(p => p.Row));
        Assert.All(picks, p => Assert.Equal(SuggestionSource.Personalized, p.Source));
        Assert.All(picks, p => Assert.Equal(1.0, p.Propensity));
    }

    [Fact]
    public void Select_ExcludedRowsAndFilter_NeverPicked()
    {
        var call = new SuggestOptions { ExcludedTags = new[] { "odd" } };

        var (picks, _) = Select(new PolicyOptions { Epsilon = 0, Diversity = 1 }, call, Ranked(), excluded: new[] { 0, 2 });

        Assert.Equal(new[] { 4, 6, 8, 10, 12 }, picks.Select(p => p.Row));
    }

    [Fact]
    public void Select_TagCap_CapFirstThenFillsTheList()
    {
        // Every "even" item outranks every "odd" one.
        var blended = new float[Items];
        for (int i = 0; i < Items; i++)
        {
            blended[i] = i % 2 == 0 ? 1f - ((float)i / Items) : 0.1f - ((float)i / 1000);
        }

        var (uncapped, _) = Select(new PolicyOptions { Epsilon = 0, Diversity = 1 }, null, (float[])blended.Clone(), count: 3);
        var (capped, _) = Select(new PolicyOptions { Epsilon = 0, Diversity = 1, MaxPerTag = 1 }, null, blended, count: 3);

        Assert.Equal(new[] { 0, 2, 4 }, uncapped.Select(p => p.Row));
        Assert.Equal(new[] { 0, 1, 2 }, capped.Select(p => p.Row)); // one per tag while the cap can be met, then by relevance
    }

    [Fact]
    public void Select_FullExploration_EveryPickFromThePoolWithPropensityBelowOne()
    {
        var options = new PolicyOptions { Epsilon = 1, Diversity = 1, EpsilonDecayInteractions = 0 };

        var (picks, _) = Select(options, new SuggestOptions { Seed = 3 }, Ranked());

        Assert.All(picks, p => Assert.Equal(SuggestionSource.Explore, p.Source));
        Assert.All(picks, p => Assert.InRange(p.Propensity, 0.0, 0.999));
        Assert.Equal(picks.Length, picks.Select(p => p.Row).Distinct().Count());
    }

    [Fact]
    public void Select_SameSeed_SamePicks()
    {
        var options = new PolicyOptions { Epsilon = 0.5, Diversity = 0.7 };

        var first = Select(options, new SuggestOptions { Seed = 11 }, Ranked()).Picks;
        var second = Select(options, new SuggestOptions { Seed = 11 }, Ranked()).Picks;

        Assert.Equal(first.Select(p => (p.Row, p.Source, p.Propensity)), second.Select(p => (p.Row, p.Source, p.Propensity)));
    }

    [Fact]
    public void Select_RecentList_PenalizedAndMovedDown()
    {
        var options = new PolicyOptions { Epsilon = 0, Diversity = 1, RecentLists = 1, RecentListPenalty = 0.5 };
        var recent = new RecentLists();
        var policy = new SuggestPolicy(options);
        policy.MarkShown(recent, new[] { new Suggestion("item-00", 1, SuggestionSource.Personalized, 1) });

        var (picks, penalized) = Select(options, null, Ranked(), recent: recent);

        Assert.Equal(1, penalized);
        Assert.DoesNotContain(0, picks.Select(p => p.Row));
        Assert.Equal(1, recent.Calls);
    }
}
