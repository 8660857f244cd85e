using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Profiles;

public class RecordTests
{
    private static RecoEngine AxisEngine(TestClock? clock = null, Action<RecoEngineOptions>? configure = null)
    {
        var options = TestCatalog.Options(dimensions: 4, clock: clock);
        configure?.Invoke(options);
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(new[]
        {
            new ItemDefinition("action-1", new float[] { 1, 0.1f, 0, 0 }, new[] { "action" }),
            new ItemDefinition("action-2", new float[] { 1, 0.2f, 0, 0 }, new[] { "action" }),
            new ItemDefinition("puzzle-1", new float[] { 0, 0, 1, 0.1f }, new[] { "puzzle" }),
            new ItemDefinition("puzzle-2", new float[] { 0, 0, 1, 0.2f }, new[] { "puzzle" }),
        });
        return engine;
    }

    public static TheoryData<Interaction, Type> BadInteractions => new()
    {
        { new Interaction(null!, "action-1", InteractionKind.Click), typeof(ArgumentNullException) },
        { new Interaction("u", null!, InteractionKind.Click), typeof(ArgumentNullException) },
        { new Interaction("", "action-1", InteractionKind.Click), typeof(ArgumentException) },
        { new Interaction(new string('u', 300), "action-1", InteractionKind.Click), typeof(ArgumentException) },
        { new Interaction("u", "action-1", InteractionKind.Play, double.NaN), typeof(ArgumentException) },
        { new Interaction("u", "action-1", InteractionKind.Rating, double.PositiveInfinity), typeof(ArgumentException) },
        { new Interaction("u", "action-1", InteractionKind.Play, -5), typeof(ArgumentOutOfRangeException) },
        { new Interaction("u", "action-1", (InteractionKind)42), typeof(ArgumentException) },
        { new Interaction("u\uD800", "action-1", InteractionKind.Click), typeof(ArgumentException) },
        { new Interaction("u", "action-\uDC01", InteractionKind.Click), typeof(ArgumentException) },
        { new Interaction("u", "action-1", InteractionKind.Rating, 1e300), typeof(ArgumentOutOfRangeException) },
        { new Interaction("u", "action-1", InteractionKind.Rating, 1000.5), typeof(ArgumentOutOfRangeException) },
        { new Interaction("u", "action-1", InteractionKind.Play, (7 * 24 * 3600) + 1), typeof(ArgumentOutOfRangeException) },
        { default, typeof(ArgumentNullException) },
    };

    [Theory]
    [MemberData(nameof(BadInteractions))]
    public void Record_BadInteraction_ThrowsAndChangesNothing(Interaction bad, Type exceptionType)
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("u", "puzzle-1", InteractionKind.Like));
        var before = engine.Suggest("u");

        var ex = Assert.ThrowsAny<ArgumentException>(() => engine.Record(bad));

        Assert.IsType(exceptionType, ex);
        Assert.Equal(before, engine.Suggest("u"));
        Assert.Equal(1, engine.GetProfile("u")!.InteractionCount);
    }

    [Fact]
    public void Record_Like_NextSuggestReflectsItAtOnce()
    {
        using var engine = AxisEngine();
        Assert.All(engine.Suggest("p1"), s => Assert.Equal(SuggestionSource.Popular, s.Source));

        engine.Record(new Interaction("p1", "puzzle-1", InteractionKind.Like));
        var list = engine.Suggest("p1", 2);

        Assert.All(list, s => Assert.Equal(SuggestionSource.Personalized, s.Source));
        Assert.Equal(new[] { "puzzle-1", "puzzle-2" }, list.Select(s => s.ItemId));
    }

    [Fact]
    public void Record_Purchase_ItemIsConsumedAndNotSuggestedAgain()
    {
        using var engine = AxisEngine();

        engine.Record(new Interaction("p1", "action-1", InteractionKind.Purchase));

        var ids = engine.Suggest("p1", 10).Select(s => s.ItemId).ToList();
        Assert.Equal(3, ids.Count);
        Assert.DoesNotContain("action-1", ids);
        Assert.Equal("action-2", ids[0]);
        Assert.Contains("action-1", engine.GetProfile("p1")!.ConsumedItems);
    }

    [Fact]
    public void Record_ConsumedKindsEmpty_PurchasedItemStillSuggested()
    {
        using var engine = AxisEngine(configure: o => o.ConsumedKinds.Clear());

        engine.Record(new Interaction("p1", "action-1", InteractionKind.Purchase));

        Assert.Equal("action-1", engine.Suggest("p1")[0].ItemId);
    }

    [Fact]
    public void Record_OldTasteFadesWithHalfLife_NewTasteWins()
    {
        var clock = new TestClock();
        using var engine = AxisEngine(clock, o => o.ProfileHalfLife = TimeSpan.FromDays(1));
        var t0 = clock.Now;

        engine.Record(new Interaction("p1", "action-1", InteractionKind.Purchase, timestamp: t0));
        engine.Record(new Interaction("p1", "puzzle-1", InteractionKind.Like, timestamp: t0.AddDays(3)));

        // Purchase 5 decays to 5/8 = 0.625 after three half-lives; the like (3) dominates.
        var profile = engine.GetProfile("p1")!;
        Assert.Equal(t0.AddDays(3), profile.LastInteraction);
        Assert.True(profile.Vector[2] > 4 * profile.Vector[0], $"{profile.Vector[2]} vs {profile.Vector[0]}");
        Assert.Equal(0.625, profile.Vector[0] * Math.Sqrt(1 + (0.1 * 0.1)), 3);
        Assert.StartsWith("puzzle", engine.Suggest("p1")[0].ItemId, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_OutOfOrderTimestamp_DecaysTheOlderEventInstead()
    {
        var clock = new TestClock();
        using var engine = AxisEngine(clock, o => o.ProfileHalfLife = TimeSpan.FromDays(1));
        var t0 = clock.Now;

        engine.Record(new Interaction("p1", "puzzle-1", InteractionKind.Like, timestamp: t0.AddDays(1)));
        engine.Record(new Interaction("p1", "action-1", InteractionKind.Like, timestamp: t0));

        var v = engine.GetProfile("p1")!.Vector;
        Assert.Equal(t0.AddDays(1), engine.GetProfile("p1")!.LastInteraction);
        Assert.Equal(v[2] / 2, v[0], 2);
    }

    [Fact]
    public void Record_DislikeOnly_UserStaysOnColdStart()
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("p1", "action-1", InteractionKind.Dislike));

        Assert.All(engine.Suggest("p1"), s => Assert.Equal(SuggestionSource.Popular, s.Source));
        Assert.Equal(0, engine.GetProfile("p1")!.PositiveInteractionCount);
    }

    [Fact]
    public void Record_DislikeAfterLike_PushesSimilarItemsDown()
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("p1", "action-1", InteractionKind.Click));
        engine.Record(new Interaction("p1", "puzzle-1", InteractionKind.Click));
        engine.Record(new Interaction("p1", "puzzle-2", InteractionKind.Dislike));

        Assert.StartsWith("action", engine.Suggest("p1")[0].ItemId, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_UnknownItem_IsCountedButChangesNoVector()
    {
        using var engine = AxisEngine();

        engine.Record(new Interaction("p1", "not-in-catalog", InteractionKind.Purchase));

        var profile = engine.GetProfile("p1")!;
        Assert.Equal(1, profile.InteractionCount);
        Assert.Equal(0, profile.PositiveInteractionCount);
        Assert.All(profile.Vector, x => Assert.Equal(0f, x));
        Assert.Empty(profile.ConsumedItems);
    }

    [Fact]
    public void Record_PositiveEngagement_RaisesPopularityForNewcomers()
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("a", "puzzle-2", InteractionKind.Purchase));
        engine.Record(new Interaction("b", "action-2", InteractionKind.Click));
        engine.Record(new Interaction("c", "action-2", InteractionKind.Impression));

        var list = engine.Suggest("newcomer", 4);

        Assert.Equal(new[] { "puzzle-2", "action-2", "action-1", "puzzle-1" }, list.Select(s => s.ItemId));
        Assert.All(list, s => Assert.Equal(SuggestionSource.Popular, s.Source));
        Assert.True(list[0].Score > list[1].Score && list[1].Score > list[2].Score);
        Assert.Equal(list[2].Score, list[3].Score);
    }

    [Fact]
    public void Popularity_DecaysWithHalfLife_RecentBeatsOld()
    {
        var clock = new TestClock();
        using var engine = AxisEngine(clock, o => o.PopularityHalfLife = TimeSpan.FromDays(1));
        engine.Record(new Interaction("a", "action-1", InteractionKind.Purchase, timestamp: clock.Now.AddDays(-4)));
        engine.Record(new Interaction("b", "puzzle-1", InteractionKind.Click, timestamp: clock.Now));

        var list = engine.Suggest("newcomer", 2);

        // The purchase (5) decayed over four half-lives is worth 5/16 = 0.3125: less than today's click (1).
        Assert.Equal("puzzle-1", list[0].ItemId);
        Assert.Equal("action-1", list[1].ItemId);
    }

    [Fact]
    public void Decay_Log2Popularity_SumsAndDecaysExactly()
    {
        var decay = new EmbeddedReco.Profiles.Decay(TimeSpan.FromDays(1));
        long t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        double l = decay.AddLog2(double.NegativeInfinity, 5, t0);
        l = decay.AddLog2(l, 1, t0 + TimeSpan.FromDays(4).Ticks);

        Assert.Equal(1 + (5.0 / 16), decay.ValueAt(l, t0 + TimeSpan.FromDays(4).Ticks), 9);
        Assert.Equal((1 + (5.0 / 16)) / 2, decay.ValueAt(l, t0 + TimeSpan.FromDays(5).Ticks), 9);
        Assert.Equal(0, decay.ValueAt(double.NegativeInfinity, t0));
        Assert.Equal(0.25, decay.Factor(TimeSpan.FromDays(2).Ticks), 12);
        Assert.Equal(1, new EmbeddedReco.Profiles.Decay(System.Threading.Timeout.InfiniteTimeSpan).Factor(TimeSpan.FromDays(2).Ticks));
    }

    [Fact]
    public void ForgetUser_KnownUser_RemovesProfileAndReturnsTrue()
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("p1", "action-1", InteractionKind.Like));

        Assert.True(engine.ForgetUser("p1"));
        Assert.Null(engine.GetProfile("p1"));
        Assert.False(engine.ForgetUser("p1"));
        Assert.All(engine.Suggest("p1"), s => Assert.Equal(SuggestionSource.Popular, s.Source));
    }

    [Fact]
    public void GetProfile_ReturnsCopyUnaffectedByLaterInteractions()
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("p1", "action-1", InteractionKind.Like));
        var profile = engine.GetProfile("p1")!;

        engine.Record(new Interaction("p1", "puzzle-1", InteractionKind.Like));

        Assert.Equal(1, profile.InteractionCount);
        Assert.Equal(0f, profile.Vector[2]);
        Assert.Null(engine.GetProfile("never-seen"));
    }

    [Fact]
    public void EngagementWeights_Defaults_OrderPurchaseLikePlayClick()
    {
        var w = new EngagementWeights();
        Assert.True(w.WeightOf(InteractionKind.Purchase, 1) > w.WeightOf(InteractionKind.Like, 1));
        Assert.True(w.WeightOf(InteractionKind.Like, 1) > w.WeightOf(InteractionKind.Play, 100_000));
        Assert.True(w.WeightOf(InteractionKind.Play, 600) > w.WeightOf(InteractionKind.Click, 1));
        Assert.True(w.WeightOf(InteractionKind.Impression, 1) <= 0);
        Assert.True(w.WeightOf(InteractionKind.Skip, 1) < 0);
        Assert.True(w.WeightOf(InteractionKind.Dislike, 1) < w.WeightOf(InteractionKind.Skip, 1));
        Assert.Equal(2.0, w.WeightOf(InteractionKind.Rating, 5));
        Assert.Equal(-2.0, w.WeightOf(InteractionKind.Rating, 1));
    }

    [Fact]
    public void Record_HugeRating_ProfileStaysFiniteAndSnapshotRoundTrips()
    {
        using var engine = AxisEngine();
        engine.Record(new Interaction("u", "puzzle-1", InteractionKind.Like));

        try
        {
            engine.Record(new Interaction("u", "action-1", InteractionKind.Rating, 1e300));
        }
        catch (ArgumentOutOfRangeException)
        {
            // Rejected at the boundary: the point is that nothing downstream overflows either way.
        }

        for (int i = 0; i < 50; i++)
        {
            engine.Record(new Interaction("u", "action-2", InteractionKind.Rating, 1000)); // the largest rating allowed
        }

        Assert.All(engine.GetProfile("u")!.Vector, v => Assert.True(float.IsFinite(v), $"profile component {v}"));
        var list = engine.Suggest("u", 4);
        Assert.Equal("action-2", list[0].ItemId);
        Assert.True(list[0].Score > 0.5f, $"score {list[0].Score}");

        using var stream = new MemoryStream();
        engine.SaveSnapshot(stream, new SnapshotOptions { IncludeProfiles = true });
        stream.Position = 0;
        using var copy = RecoEngine.Open(TestCatalog.Options(dimensions: 4));
        copy.LoadSnapshot(stream);
        Assert.Equal(list.Select(s => s.ItemId), copy.Suggest("u", 4).Select(s => s.ItemId));
    }

    [Fact]
    public void WeightOf_ValueBeyondMaximum_IsClampedToTheMaximum()
    {
        var w = new EngagementWeights();

        Assert.Equal(w.WeightOf(InteractionKind.Rating, 1000), w.WeightOf(InteractionKind.Rating, 1e300));
        Assert.Equal(997, w.WeightOf(InteractionKind.Rating, 1e300));
        Assert.Equal(w.PlayCap, w.WeightOf(InteractionKind.Play, 1e300));
    }

    [Fact]
    public void Record_SteadyState_AllocatesNothing()
    {
        using var engine = AxisEngine();
        var click = new Interaction("spieler-\u00fc\uD83D\uDE00", "puzzle-1", InteractionKind.Click);
        var play = new Interaction("spieler-\u00fc\uD83D\uDE00", "action-1", InteractionKind.Play, 90);
        for (int i = 0; i < 200; i++)
        {
            engine.Record(click);
            engine.Record(play);
        }

        // The writer's queue (initial capacity 1024) grows only when the writer falls behind by more than that; 800 writes
        // after a Flush stay within it, so this measures Record itself.
        engine.Flush();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            engine.Record(click);
            engine.Record(play);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
