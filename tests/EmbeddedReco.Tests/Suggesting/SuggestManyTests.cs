using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Suggesting;

/// <summary>
/// <see cref="RecoEngine.SuggestMany(ReadOnlySpan{string}, Span{Suggestion}, Span{int}, SuggestOptions?)"/>: one shared catalog
/// scan for up to eight players, and each player's list exactly what one-at-a-time calls give (ids, scores, sources, propensities;
/// the shown-list memory and seed streams advance the same way).
/// </summary>
public sealed class SuggestManyTests
{
    private const int Dims = 32;

    [Theory]
    [InlineData(ScoringPrecision.Int8)]
    [InlineData(ScoringPrecision.Float32)]
    public void SuggestMany_TwelvePlayersWithDuplicatesAndStrangers_SameListsAsSingleCalls(ScoringPrecision precision)
    {
        using var batched = Open(precision);
        using var single = Open(precision);
        string[] players = { "p0", "p1", "stranger", "p2", "p3", "p0", "p4", "p5", "p6", "p7", "newcomer", "p1" };

        for (int round = 0; round < 3; round++)
        {
            var buffer = new Suggestion[players.Length * 7];
            var counts = new int[players.Length];
            Assert.Equal(players.Length, batched.SuggestMany(players, buffer, counts));

            for (int i = 0; i < players.Length; i++)
            {
                var expected = new Suggestion[7];
                int n = single.Suggest(players[i], expected);
                Assert.Equal(n, counts[i]);
                Assert.Equal(Describe(expected.AsSpan(0, n)), Describe(buffer.AsSpan(i * 7, counts[i])));
            }
        }
    }

    [Fact]
    public void SuggestMany_ListOverload_SameListsWithBreakdownsAsSuggest()
    {
        using var batched = Open(ScoringPrecision.Int8);
        using var single = Open(ScoringPrecision.Int8);
        string[] players = { "p3", "p4", "stranger" };

        var lists = batched.SuggestMany(players, 5);

        Assert.Equal(players.Length, lists.Count);
        for (int i = 0; i < players.Length; i++)
        {
            var expected = single.Suggest(players[i], 5);
            Assert.Equal(Describe(expected.ToArray()), Describe(lists[i].ToArray()));
            Assert.Equal(
                expected.Select(s => string.Join(",", s.Breakdown!.Select(b => $"{b.Scorer}={b.Contribution:R}"))),
                lists[i].Select(s => string.Join(",", s.Breakdown!.Select(b => $"{b.Scorer}={b.Contribution:R}"))));
        }
    }

    [Fact]
    public void SuggestMany_SteadyState_AllocatesNothing()
    {
        // Without recording shown lists as impressions: those add state (a player's first impression of an item is a new history
        // entry) and change the counters on every call, which is not a steady state.
        using var engine = Open(ScoringPrecision.Int8, recordShown: false);
        string[] players = { "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7" };
        var buffer = new Suggestion[players.Length * 10];
        var counts = new int[players.Length];
        engine.SuggestMany(players, buffer, counts);

        long bytes = AllocationMeter.SteadyStateBytes(() => engine.SuggestMany(players, buffer, counts));

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void SuggestMany_BadArguments_ThrowAndSuggestNothing()
    {
        using var engine = Open(ScoringPrecision.Int8);
        var counts = new int[2];

        Assert.Throws<ArgumentException>(() => engine.SuggestMany(new[] { "p0", "p1" }, new Suggestion[1], counts));
        Assert.Throws<ArgumentException>(() => engine.SuggestMany(new[] { "p0", "p1" }, new Suggestion[4], new int[1]));
        Assert.Throws<ArgumentNullException>(() => engine.SuggestMany(new[] { "p0", null! }, new Suggestion[4], counts));
        Assert.Throws<ArgumentException>(() => engine.SuggestMany(new[] { "p0", "" }, new Suggestion[4], counts));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SuggestMany(new[] { "p0" }, 0));
        Assert.Throws<ArgumentNullException>(() => engine.SuggestMany(null!, 3));
        Assert.Equal(0, engine.SuggestMany(ReadOnlySpan<string>.Empty, Span<Suggestion>.Empty, Span<int>.Empty));

        // Nothing was suggested (so nothing remembered as shown): the next list equals a fresh engine's.
        using var fresh = Open(ScoringPrecision.Int8);
        Assert.Equal(Describe(fresh.Suggest("p0", 5).ToArray()), Describe(engine.Suggest("p0", 5).ToArray()));
    }

    [Fact]
    public void SuggestMany_EmptyCatalog_ZeroCounts()
    {
        using var engine = RecoEngine.Open(TestCatalog.Options(dimensions: Dims));
        var counts = new[] { 9, 9 };

        engine.SuggestMany(new[] { "a", "b" }, new Suggestion[4], counts);

        Assert.Equal(new[] { 0, 0 }, counts);
    }

    [Fact]
    public void Warmup_ThenSuggest_ChangesNoStateAndSameListsAsWithout()
    {
        using var warmed = Open(ScoringPrecision.Int8);
        using var cold = Open(ScoringPrecision.Int8);
        int users = warmed.UserCount;

        warmed.Warmup();
        warmed.Warmup();

        Assert.Equal(users, warmed.UserCount);
        Assert.Equal(cold.GetEngagement()?.ToString(), warmed.GetEngagement()?.ToString()); // no impression recorded
        foreach (string player in new[] { "p0", "p5", "stranger" })
        {
            Assert.Equal(Describe(cold.Suggest(player, 8).ToArray()), Describe(warmed.Suggest(player, 8).ToArray()));
        }
    }

    [Fact]
    public void Warmup_PolicyThatNeverExploresNorDiversifies_StillRunsTheExplorationPath()
    {
        // An experiment may give the warm-up player a variant that never explores (or the engine's policy may): the paths a
        // player of another variant runs (exploration pool, its new-item walk, MMR) must be compiled all the same.
        var options = TestCatalog.Options(dimensions: Dims, pure: false);
        options.Policy.Epsilon = 0;
        options.Policy.Diversity = 1;
        options.WarmupInBackground = false;
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Clustered(300, Dims, clusters: 9, seed: 4));
        engine.Suggest("p0", new Suggestion[8]);
        Assert.Null(engine.Suggester.Policy.Fresh); // no call so far explored: the new-item list was never needed

        engine.Warmup();

        Assert.NotNull(engine.Suggester.Policy.Fresh);
    }

    [Fact]
    public void Warmup_EmptyCatalogOrDisposed_NoOpOrThrows()
    {
        var engine = RecoEngine.Open(TestCatalog.Options(dimensions: Dims));
        engine.Warmup();
        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => engine.Warmup());
    }

    private static RecoEngine Open(ScoringPrecision precision, bool recordShown = true)
    {
        var options = TestCatalog.Options(dimensions: Dims, pure: false);
        options.Precision = precision;
        options.Policy.Seed = 77;
        options.Policy.RecordShownAsImpressions = recordShown;
        var engine = RecoEngine.Open(options);
        var items = TestCatalog.Clustered(3_000, Dims, clusters: 9, seed: 4);
        engine.UpsertItems(items);
        var rng = new Random(8);
        for (int p = 0; p < 8; p++)
        {
            for (int k = 0; k < 4; k++)
            {
                engine.Record(new Interaction($"p{p}", items[(rng.Next(300) * 9) + (p % 9)].Id, k == 0 ? InteractionKind.Purchase : InteractionKind.Click));
            }
        }

        return engine;
    }

    private static string Describe(ReadOnlySpan<Suggestion> list)
    {
        var parts = new List<string>();
        foreach (var s in list)
        {
            parts.Add($"{s.ItemId} {s.Score:R} {s.Source} {s.Propensity:R} {s.Variant}");
        }

        return string.Join(" | ", parts);
    }
}
