using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Experiments;

public class EngineExperimentTests
{
    private static Experiment ShopExperiment() => new("shop", new[]
    {
        new ExperimentVariant("popular", 1, new VariantSettings(epsilon: 0, diversity: 1, popularityOnly: true)),
        new ExperimentVariant("explore", 1, new VariantSettings(epsilon: 1, diversity: 1)),
    });

    private static RecoEngineOptions Options(string path = RecoEngineOptions.InMemory, TestClock? clock = null)
    {
        var options = TestCatalog.Options(path, dimensions: 8, clock: clock);
        options.Experiment = ShopExperiment();
        return options;
    }

    private static string UserIn(Experiment experiment, string variant, int skip = 0) =>
        Enumerable.Range(0, 10_000).Select(i => $"player-{i}").Where(id => experiment.Assign(id).Name == variant).Skip(skip).First();

    [Fact]
    public void Suggest_WithExperiment_AppliesVariantSettingsAndTagsSuggestions()
    {
        using var engine = RecoEngine.Open(Options());
        engine.UpsertItems(TestCatalog.Random(100, 8));
        var experiment = ShopExperiment();
        string popular = UserIn(experiment, "popular");
        string explore = UserIn(experiment, "explore");
        engine.Record(new Interaction("someone", "item-0042", InteractionKind.Purchase));
        foreach (var user in new[] { popular, explore })
        {
            engine.Record(new Interaction(user, "item-0007", InteractionKind.Like));
        }

        var popularList = engine.Suggest(popular);
        var exploreList = engine.Suggest(explore);

        Assert.All(popularList, s => Assert.Equal("popular", s.Variant));
        // Content weight 0: popularity decides (two likes of item-0007 = 6 > one purchase of item-0042 = 5).
        Assert.Equal(new[] { "item-0007", "item-0042" }, popularList.Take(2).Select(s => s.ItemId));
        Assert.DoesNotContain(popularList[0].Breakdown!, c => c.Scorer == ScorerContract.Content);
        Assert.All(exploreList, s => Assert.Equal("explore", s.Variant));
        Assert.All(exploreList, s => Assert.Equal(SuggestionSource.Explore, s.Source)); // epsilon 1
        Assert.Equal("explore", engine.GetVariant(explore));

        // An explicit per-call value wins over the variant's.
        Assert.All(engine.Suggest(explore, new SuggestOptions { Epsilon = 0 }), s => Assert.NotEqual(SuggestionSource.Explore, s.Source));
    }

    [Fact]
    public void Record_WithExperiment_EngagementPerVariantAndReportCompareToControl()
    {
        using var engine = RecoEngine.Open(Options());
        engine.UpsertItems(TestCatalog.Random(20, 8));
        var experiment = ShopExperiment();
        for (int i = 0; i < 12; i++)
        {
            string p = UserIn(experiment, "popular", i);
            string e = UserIn(experiment, "explore", i);
            engine.Record(new Interaction(p, "item-0001", InteractionKind.Impression));
            engine.Record(new Interaction(e, "item-0001", InteractionKind.Impression));
            engine.Record(new Interaction(e, "item-0001", InteractionKind.Click));
            if (i % 2 == 0)
            {
                engine.Record(new Interaction(e, "item-0002", InteractionKind.Purchase));
            }
        }

        var popular = engine.GetEngagement("popular")!;
        var explore = engine.GetEngagement("explore")!;
        Assert.Equal(12, popular.Totals.Users);
        Assert.Equal(0, popular.Totals.ClickThroughRate);
        Assert.Equal(1.0, explore.Totals.ClickThroughRate);
        Assert.Equal(0.5, explore.Totals.ConversionRate);

        var report = engine.GetExperimentReport();
        Assert.Equal(2, report.Count); // the control's own row first
        var comparison = report[1];
        Assert.Equal("popular", comparison.Control.Variant);
        Assert.Equal("explore", comparison.Treatment.Variant);
        Assert.True(comparison.Difference > 0);
        Assert.True(comparison.IsSignificant);
    }

    [Fact]
    public void Engagement_SurvivesReopenAndForgetUserRemovesThePlayer()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        string path = folder.File("engagement.db");
        var experiment = ShopExperiment();
        string player = UserIn(experiment, "explore");
        using (var engine = RecoEngine.Open(Options(path, clock)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Record(new Interaction(player, "item-0001", InteractionKind.Click));
            clock.Advance(TimeSpan.FromHours(2));
            engine.Record(new Interaction(player, "item-0002", InteractionKind.Play, 600));
        }

        using (var engine = RecoEngine.Open(Options(path, clock)))
        {
            var totals = engine.GetUserEngagement(player)!;
            Assert.Equal(2, totals.Sessions);
            Assert.Equal(1, totals.RepeatSessions);
            Assert.Equal(600, totals.PlaySeconds);
            Assert.Equal(1, engine.GetEngagement("explore")!.Totals.Users);
            Assert.True(engine.ForgetUser(player));
            Assert.Null(engine.GetUserEngagement(player));
            engine.Flush();
        }

        using var reopened = RecoEngine.Open(Options(path, clock));
        Assert.Null(reopened.GetUserEngagement(player));
        Assert.Equal(1, reopened.GetEngagement("explore")!.Totals.Clicks); // anonymous aggregate kept
    }

    [Fact]
    public void GetExperimentReport_WithoutExperiment_ThrowsInvalidOperation()
    {
        using var engine = TestCatalog.InMemory();
        Assert.Throws<InvalidOperationException>(() => engine.GetExperimentReport());
        Assert.Null(engine.GetVariant("p"));
    }
}
