using EmbeddedReco.Catalog;
using EmbeddedReco.Policy;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Policy;

/// <summary>
/// The exploration pool's list of rows that may still be new: once most of it has aged out, or its keys are stale (rows shown since
/// it was built make the walk go past its picks), the call that notices keeps using it and the writer thread compacts and re-keys it
/// after its next commit (SuggestPolicy.CompactIfDue), with the same picks before and after.
/// </summary>
public sealed class FreshRowsTests
{
    private const int Items = SuggestPolicyTests.Items;
    private const int NewItemImpressions = 20;

    [Fact]
    public void Select_MostNewItemsAgedOut_LeavesTheCompactionToCompactIfDueWithTheSamePicks()
    {
        var (catalog, policy, scratch) = Exploring(poolSize: new PolicyOptions().ExplorationPoolSize);
        Select(policy, catalog, scratch);
        var built = policy.Fresh!;
        Assert.Equal(Items, built.Rows.Length);
        for (int row = 0; row < 30; row++)
        {
            for (int i = 0; i < NewItemImpressions; i++)
            {
                catalog.Counters.AddImpression(row); // aged out: no longer new
            }
        }

        // The call that finds three quarters of the list aged out: its picks come from the old list, and it allocates nothing.
        var (before, bytes) = MeasuredSelect(policy, catalog, scratch);
        Assert.Same(built, policy.Fresh);
        policy.CompactIfDue(); // the writer thread's part, after its next commit
        var compacted = policy.Fresh!;
        var after = Select(policy, catalog, scratch);

        Assert.Equal(0, bytes);
        Assert.NotSame(built, compacted);
        Assert.Equal(Enumerable.Range(30, 10), compacted.Rows.ToArray().Order());
        Assert.Equal(Describe(before), Describe(after));
    }

    [Fact]
    public void Select_RowsShownSinceTheListWasBuilt_LeavesTheReKeyToCompactIfDueWithTheSamePicks()
    {
        var (catalog, policy, scratch) = Exploring(poolSize: 5);
        Select(policy, catalog, scratch);
        var built = policy.Fresh!;
        for (int row = 0; row < 30; row++)
        {
            catalog.Counters.AddImpression(row); // shown once: still new, but now behind every row never shown
        }

        // Listed by their keys at build time, rows 0-29 come first, and the walk goes through 15 of them that its picks outrank
        // before it reaches the rows never shown: three times the 5 it wants, so the list is due for new keys.
        var before = Select(policy, catalog, scratch);
        Assert.Same(built, policy.Fresh);
        Assert.True(built.CompactionDue);
        policy.CompactIfDue();
        var rekeyed = policy.Fresh!;
        var after = Select(policy, catalog, scratch);

        Assert.NotSame(built, rekeyed);
        Assert.Equal(Enumerable.Range(30, 10).Concat(Enumerable.Range(0, 30)), rekeyed.Rows.ToArray());
        for (int i = 0; i < Items; i++)
        {
            int row = rekeyed.Rows[i];
            Assert.Equal(FreshRows.KeyOf(catalog.Counters.Impressions(row), Items, catalog.IdRank[row]), rekeyed.Keys[i]);
        }

        Assert.False(rekeyed.CompactionDue);
        Assert.Equal(Describe(before), Describe(after));
    }

    [Fact]
    public void Select_NoNewRowTheCallCanTake_WalksTheListWithoutAskingForNewKeys()
    {
        var (catalog, policy, scratch) = Exploring(poolSize: 5);
        var blended = Scores();
        for (int row = 10; row < Items; row++)
        {
            blended[row] = float.NaN; // excluded for this player (consumed): the walk finds nothing to pick and reads every row
        }

        Select(policy, catalog, scratch, measure: false, blended);

        Assert.False(policy.Fresh!.CompactionDue); // a long walk, but not because of stale keys: re-keying would not shorten it
    }

    [Fact]
    public void Select_CatalogReplaced_RebuildsTheListForTheNewCatalog()
    {
        var policy = new SuggestPolicy(new PolicyOptions { Epsilon = 0.5, NewItemImpressions = NewItemImpressions });
        var first = Catalog();
        var scratch = new PolicyScratch();
        scratch.Ensure(policy.CandidateCount(Items, 5), 5, first.Dimensions, first.Count);
        Select(policy, first, scratch);
        var second = Catalog();
        second.Counters.AddImpression(0);

        Select(policy, second, scratch);

        Assert.Equal(Items, policy.Fresh!.Rows.Length);
        Assert.Equal(0, policy.Fresh.Rows[^1]); // one impression: the last of the new items
    }

    [Fact]
    public void Flush_AfterACallFoundTheListMostlyAgedOut_TheWriterHasCompactedIt()
    {
        var options = TestCatalog.Options(dimensions: 8, pure: false);
        options.Policy.Epsilon = 0.5;
        options.Policy.NewItemImpressions = 3;
        options.WarmupInBackground = false;
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(Items, 8));
        var buffer = new Suggestion[5];
        var preview = new SuggestOptions { MarkShown = false, Seed = 1 };
        engine.Suggest("p", buffer, preview);
        var policy = engine.Suggester.Policy;
        var built = policy.Fresh!;
        for (int item = 0; item < 30; item++)
        {
            for (int i = 0; i < 3; i++)
            {
                engine.Record(new Interaction("viewer", $"item-{item:D4}", InteractionKind.Impression));
            }
        }

        engine.Flush();
        engine.Suggest("p", buffer, preview); // finds 30 of 40 aged out: due, left to the writer

        engine.Flush(); // a commit: the writer compacts after it

        Assert.NotSame(built, policy.Fresh);
        Assert.Equal(Items - 30, policy.Fresh!.Rows.Length);
    }

    private static (PolicyPick[] Picks, long Bytes) MeasuredSelect(SuggestPolicy policy, CatalogSnapshot catalog, PolicyScratch scratch) =>
        Select(policy, catalog, scratch, measure: true);

    private static PolicyPick[] Select(SuggestPolicy policy, CatalogSnapshot catalog, PolicyScratch scratch) =>
        Select(policy, catalog, scratch, measure: false).Picks;

    /// <summary>One list; with <paramref name="measure"/>, the bytes the policy's call alone allocated on this thread.</summary>
    private static (PolicyPick[] Picks, long Bytes) Select(SuggestPolicy policy, CatalogSnapshot catalog, PolicyScratch scratch, bool measure, float[]? blended = null)
    {
        blended ??= Scores();
        var request = new PolicyRequest
        {
            Catalog = catalog,
            Blended = blended,
            ExcludedRows = Array.Empty<int>(),
            UserId = "p",
            Count = 5,
            HasProfile = true,
        };
        var settings = SuggestSettings.Resolve(policy.Options, null, "p", new SuggestOptions { Seed = 3 });
        var pauses = GC.GetTotalPauseDuration();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = policy.Select(in request, in settings, scratch, out _);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        // A collection started by another test's thread moves this thread's counter by up to a quantum (AllocationMeter).
        bool clean = GC.GetTotalPauseDuration() == pauses;
        return (scratch.Picks.Take(n).ToArray(), measure && clean ? bytes : 0);
    }

    /// <summary>A catalog, an exploring policy (new items under 20 impressions, the given pool size) and its scratch for lists of 5.</summary>
    private static (CatalogSnapshot Catalog, SuggestPolicy Policy, PolicyScratch Scratch) Exploring(int poolSize)
    {
        var catalog = Catalog();
        var policy = new SuggestPolicy(new PolicyOptions { Epsilon = 0.5, NewItemImpressions = NewItemImpressions, ExplorationPoolSize = poolSize });
        var scratch = new PolicyScratch();
        scratch.Ensure(policy.CandidateCount(Items, 5), 5, catalog.Dimensions, catalog.Count);
        return (catalog, policy, scratch);
    }

    /// <summary>Row i scores 1 - i / Items: the rows are ranked in index order.</summary>
    private static float[] Scores()
    {
        var blended = new float[Items];
        for (int i = 0; i < Items; i++)
        {
            blended[i] = 1f - ((float)i / Items);
        }

        return blended;
    }

    private static string[] Describe(PolicyPick[] picks) => picks.Select(p => $"{p.Row}:{p.Source}:{p.Propensity:R}").ToArray();

    private static CatalogSnapshot Catalog() => SuggestPolicyTests.Catalog();
}
