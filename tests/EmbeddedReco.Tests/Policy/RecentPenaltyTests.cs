using EmbeddedReco.Catalog;
using EmbeddedReco.Policy;

namespace EmbeddedReco.Tests.Policy;

/// <summary>
/// The recent-list penalty on its own: the rows of lists remembered with this catalog are used as they are, the ids of the others
/// are looked up, and every item is penalized once.
/// </summary>
public sealed class RecentPenaltyTests
{
    private const float Penalty = 0.5f;

    private static readonly PolicyOptions Options = new() { RecentLists = 3, RecentListPenalty = Penalty };

    private static Suggestion[] Shown(params int[] items) =>
        items.Select(i => new Suggestion($"item-{i:D2}", 1, SuggestionSource.Personalized, 1)).ToArray();

    private static PolicyPick[] Picks(params int[] rows) =>
        rows.Select(r => new PolicyPick(r, SuggestionSource.Personalized, 1)).ToArray();

    private static float[] Ranked(int n) => Enumerable.Range(0, n).Select(i => 1f - ((float)i / n)).ToArray();

    private static (float[] Blended, int[] Penalized) Apply(RecentLists recent, CatalogSnapshot catalog, float[]? blended = null)
    {
        blended ??= Ranked(catalog.Count);
        var scratch = new PolicyScratch();
        int n = RecentPenalty.Apply(recent, catalog, blended, scratch, Options);
        return (blended, scratch.PenalizedRows.Take(n).Order().ToArray());
    }

    [Fact]
    public void Apply_ListsRememberedWithTheirRows_SameScoresAsLookingUpTheIds()
    {
        var catalog = SuggestPolicyTests.Catalog();
        var withRows = new RecentLists();
        withRows.Remember(Shown(3, 7), 3, Picks(3, 7), catalog.Generation);
        withRows.Remember(Shown(7, 11), 3, Picks(7, 11), catalog.Generation);
        var byId = new RecentLists();
        byId.Remember(Shown(3, 7), 3);
        byId.Remember(Shown(7, 11), 3);

        var (rowScores, rowPenalized) = Apply(withRows, catalog);
        var (idScores, idPenalized) = Apply(byId, catalog);

        Assert.Equal(new[] { 3, 7, 11 }, rowPenalized);
        Assert.Equal(idPenalized, rowPenalized);
        Assert.Equal(idScores, rowScores);
        Assert.Equal(Ranked(catalog.Count)[7] - Penalty, rowScores[7]); // in two lists, penalized once
    }

    [Fact]
    public void Apply_RowsRememberedWithAnotherCatalog_LooksUpTheIdsInThisOne()
    {
        var first = SuggestPolicyTests.Catalog();
        var reversed = Reversed(first); // item-03 is row 36 here
        var recent = new RecentLists();
        recent.Remember(Shown(3), 3, Picks(3), first.Generation);

        var (scores, penalized) = Apply(recent, reversed);

        Assert.Equal(new[] { 36 }, penalized);
        Assert.Equal(Ranked(reversed.Count)[3], scores[3]); // the old row is not touched
        Assert.Equal(Ranked(reversed.Count)[36] - Penalty, scores[36]);
    }

    [Fact]
    public void Apply_ItemShownFromTwoCatalogs_PenalizedOnce()
    {
        var catalog = SuggestPolicyTests.Catalog();
        var recent = new RecentLists();
        recent.Remember(Shown(5, 6), 3); // restored from storage: ids only
        recent.Remember(Shown(5), 3, Picks(5), catalog.Generation);

        var (scores, penalized) = Apply(recent, catalog);

        Assert.Equal(new[] { 5, 6 }, penalized);
        Assert.Equal(Ranked(catalog.Count)[5] - Penalty, scores[5]);
    }

    [Fact]
    public void Apply_ExcludedRows_StayExcludedAndAreNotCounted()
    {
        var catalog = SuggestPolicyTests.Catalog();
        var recent = new RecentLists();
        recent.Remember(Shown(2), 3, Picks(2), catalog.Generation);
        recent.Remember(Shown(4), 3);
        var blended = Ranked(catalog.Count);
        blended[2] = float.NaN;
        blended[4] = float.NaN;

        var (scores, penalized) = Apply(recent, catalog, blended);

        Assert.Empty(penalized);
        Assert.True(float.IsNaN(scores[2]) && float.IsNaN(scores[4]));
    }

    [Fact]
    public void Remember_PicksOfAnotherLength_KeepsOnlyTheIds()
    {
        var catalog = SuggestPolicyTests.Catalog();
        var recent = new RecentLists();
        recent.Remember(Shown(8, 9), 3, Picks(1), catalog.Generation); // a mismatch: the rows are not trusted

        var (_, penalized) = Apply(recent, catalog);

        Assert.Equal(new[] { 8, 9 }, penalized);
    }

    private static CatalogSnapshot Reversed(CatalogSnapshot catalog)
    {
        int n = catalog.Count;
        var ids = catalog.Ids.Reverse().ToArray();
        var tags = catalog.Tags.Reverse().ToArray();
        var vectors = new float[n * catalog.Dimensions];
        for (int r = 0; r < n; r++)
        {
            catalog.Row(n - 1 - r).CopyTo(vectors.AsSpan(r * catalog.Dimensions, catalog.Dimensions));
        }

        return new CatalogSnapshot(catalog.Dimensions, ids, vectors, tags, MutableItemCounters.Create(n, null));
    }
}
