using EmbeddedReco.Engagement;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Engagement;

public sealed class EngagementAggregatorTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).UtcTicks;
    private static readonly long Minute = TimeSpan.TicksPerMinute;

    [Fact]
    public void Add_GapExactlySessionGap_SameSession()
    {
        var agg = new EngagementAggregator();
        agg.Add("u", "A", InteractionKind.Impression, 1, T0);
        agg.Add("u", "A", InteractionKind.Impression, 1, T0 + (30 * Minute));

        var user = agg.GetUser("u")!;
        Assert.Equal(1, user.Sessions);
        Assert.Equal(0, user.RepeatSessions);
    }

    [Fact]
    public void Add_GapOneTickOverSessionGap_NewSession()
    {
        var agg = new EngagementAggregator();
        agg.Add("u", "A", InteractionKind.Impression, 1, T0);
        agg.Add("u", "A", InteractionKind.Impression, 1, T0 + (30 * Minute) + 1);

        var user = agg.GetUser("u")!;
        Assert.Equal(2, user.Sessions);
        Assert.Equal(1, user.RepeatSessions);
    }

    [Fact]
    public void Add_GapMeasuredFromPreviousInteraction_NotSessionStart()
    {
        var agg = new EngagementAggregator(TimeSpan.FromMinutes(10));
        for (int i = 0; i <= 12; i++)
        {
            agg.Add("u", null, InteractionKind.Click, 1, T0 + (i * 10 * Minute)); // every gap == 10 min: one long session
        }

        agg.Add("u", null, InteractionKind.Click, 1, T0 + (200 * Minute)); // 80 min later: second session
        agg.Add("u", null, InteractionKind.Click, 1, T0 + (100 * Minute)); // out of order: never starts a session

        Assert.Equal(2, agg.GetUser("u")!.Sessions);
        Assert.Equal(1, agg.GetReport(null)!.Totals.RepeatSessions);
    }

    [Fact]
    public void Add_MixedKinds_CtrConversionPlayAndScore()
    {
        var weights = new EngagementWeights();
        var agg = new EngagementAggregator(weights: weights);
        for (int i = 0; i < 8; i++)
        {
            agg.Add("u1", "A", InteractionKind.Impression, 1, T0 + i);
        }

        agg.Add("u1", "A", InteractionKind.Click, 1, T0 + 10);
        agg.Add("u1", "A", InteractionKind.Click, 1, T0 + 11);
        agg.Add("u1", "A", InteractionKind.Play, 300, T0 + 12);
        agg.Add("u1", "A", InteractionKind.Purchase, 1, T0 + 13);
        agg.Add("u2", "A", InteractionKind.Impression, 1, T0 + 14);
        agg.Add("u2", "A", InteractionKind.Impression, 1, T0 + 15);

        var totals = agg.GetReport("A")!.Totals;
        Assert.Equal(2, totals.Users);
        Assert.Equal(14, totals.Interactions);
        Assert.Equal(10, totals.Impressions);
        Assert.Equal(2, totals.Clicks);
        Assert.Equal(0.2, totals.ClickThroughRate, 12);
        Assert.Equal(1, totals.Purchases);
        Assert.Equal(0.1, totals.ConversionRate, 12);
        Assert.Equal(300, totals.PlaySeconds, 12);
        Assert.Equal(2, totals.Sessions);
        // 10 impressions x -0.05 + 2 clicks x 1 + 5 minutes x 0.2 + 1 purchase x 5 = 7.5
        Assert.Equal(7.5, totals.Score, 12);
        Assert.Equal(3.75, totals.ScorePerUser, 12);
        Assert.Equal(8 * -0.05 + 2 + 1 + 5, agg.GetUser("u1")!.Score, 12);
    }

    [Fact]
    public void Add_NoImpressions_RatesAreZero()
    {
        var agg = new EngagementAggregator();
        agg.Add("u", "A", InteractionKind.Click, 1, T0);
        Assert.Equal(0, agg.GetUser("u")!.ClickThroughRate);
        Assert.Equal(0, agg.GetUser("u")!.ConversionRate);
    }

    [Fact]
    public void GetReport_TwoDays_SplitsAtUtcMidnight()
    {
        var agg = new EngagementAggregator();
        var lastMinute = new DateTimeOffset(2026, 3, 1, 23, 59, 59, TimeSpan.Zero).UtcTicks;
        var midnight = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        agg.Add("u1", "A", InteractionKind.Impression, 1, lastMinute);
        agg.Add("u1", "A", InteractionKind.Click, 1, midnight); // same session (1 s gap), new day
        agg.Add("u2", "A", InteractionKind.Impression, 1, midnight + Minute);

        var days = agg.GetReport("A")!.Days;

        Assert.Equal(2, days.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), days[0].Start);
        Assert.Equal(TimeSpan.FromDays(1), days[0].Length);
        Assert.Equal(1, days[0].Totals.Impressions);
        Assert.Equal(1, days[0].Totals.Sessions);
        Assert.Equal(1, days[0].Totals.Users);
        Assert.Equal(1, days[1].Totals.Clicks);
        Assert.Equal(1, days[1].Totals.Sessions); // only u2's session starts on day 2
        Assert.Equal(2, days[1].Totals.Users);
    }

    [Fact]
    public void GetReport_Variants_AreSeparate()
    {
        var agg = new EngagementAggregator();
        agg.Add("u1", "A", InteractionKind.Click, 1, T0);
        agg.Add("u2", "B", InteractionKind.Purchase, 1, T0);
        agg.Add("u3", null, InteractionKind.Impression, 1, T0);

        Assert.Equal(new[] { "", "A", "B" }, agg.Variants);
        Assert.Equal(1, agg.GetReport("A")!.Totals.Clicks);
        Assert.Equal(0, agg.GetReport("A")!.Totals.Purchases);
        Assert.Equal(1, agg.GetReport("B")!.Totals.Purchases);
        Assert.Equal(1, agg.GetReport("")!.Totals.Impressions);
        Assert.Null(agg.GetReport("C"));
        Assert.Null(agg.GetUser("nobody"));
    }

    [Fact]
    public void UserScores_Variant_OrderedByUserId()
    {
        var agg = new EngagementAggregator();
        agg.Add("u2", "A", InteractionKind.Purchase, 1, T0);
        agg.Add("u1", "A", InteractionKind.Click, 1, T0);
        agg.Add("u3", "B", InteractionKind.Click, 1, T0);

        Assert.Equal(new[] { 1.0, 5.0 }, agg.UserScores("A"));
        var summary = ExperimentStatistics.Summarize("A", agg.UserScores("A"));
        Assert.Equal(3.0, summary.Mean, 12);
    }

    [Fact]
    public void ExportImport_RoundTrip_SameReportsAndSessionState()
    {
        var agg = new EngagementAggregator();
        agg.Add("u1", "A", InteractionKind.Impression, 1, T0);
        agg.Add("u1", "A", InteractionKind.Play, 90, T0 + Minute);
        agg.Add("u2", "B", InteractionKind.Purchase, 1, T0 + TimeSpan.TicksPerDay);

        var copy = new EngagementAggregator();
        copy.Import(agg.Export());

        Assert.Equal(agg.GetReport("A")!.Totals.ToString(), copy.GetReport("A")!.Totals.ToString());
        Assert.Equal(agg.GetReport("B")!.Days.Count, copy.GetReport("B")!.Days.Count);
        Assert.Equal(agg.GetUser("u1")!.ToString(), copy.GetUser("u1")!.ToString());

        // The session clock survives: 20 minutes after u1's last interaction is still the same session.
        copy.Add("u1", "A", InteractionKind.Click, 1, T0 + (21 * Minute));
        Assert.Equal(1, copy.GetUser("u1")!.Sessions);
        Assert.Equal(1, copy.GetReport("A")!.Totals.Users);
    }

    [Fact]
    public void Export_IsOrderedByKey()
    {
        var agg = new EngagementAggregator();
        agg.Add("zed", "B", InteractionKind.Click, 1, T0);
        agg.Add("amy", "A", InteractionKind.Click, 1, T0);

        var state = agg.Export();

        Assert.Equal(new[] { "amy", "zed" }, state.Users.Select(u => u.UserId));
        Assert.Equal(new[] { "A", "B" }, state.Variants.Select(v => v.Variant));
        Assert.Equal(TimeSpan.FromMinutes(30).Ticks, state.SessionGapTicks);
    }

    [Fact]
    public void Add_BadArguments_Throw()
    {
        var agg = new EngagementAggregator();
        Assert.Throws<ArgumentNullException>(() => agg.Add(null!, "A", InteractionKind.Click, 1, T0));
        Assert.Throws<ArgumentException>(() => agg.Add("", "A", InteractionKind.Click, 1, T0));
        Assert.Throws<ArgumentException>(() => agg.Add("u", "A", InteractionKind.Play, double.NaN, T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => agg.Add("u", "A", InteractionKind.Click, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EngagementAggregator(TimeSpan.Zero));
    }

    [Fact]
    public void Constructor_CustomWeights_UsedForScore()
    {
        var agg = new EngagementAggregator(weights: new EngagementWeights { Click = 2, Impression = 0 });
        agg.Add("u", "A", InteractionKind.Impression, 1, T0);
        agg.Add("u", "A", InteractionKind.Click, 1, T0);
        Assert.Equal(2, agg.GetUser("u")!.Score, 12);
    }
}

public sealed class EngagementAggregatorAllocationTests
{
    [Fact]
    public void Add_KnownUserVariantAndDay_AllocatesNothing()
    {
        var agg = new EngagementAggregator();
        long t0 = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).UtcTicks;
        agg.Add("u", "A", InteractionKind.Click, 1, t0);
        agg.Add("u", "A", InteractionKind.Play, 30, t0 + 1);

        int i = 0;
        long allocated = AllocationMeter.SteadyStateBytes(
            () =>
            {
                agg.Add("u", "A", (InteractionKind)(i % 4), 10, t0 + 2 + i);
                i++;
            },
            cleanCalls: 1000,
            windowCalls: 100);

        Assert.Equal(0, allocated);
    }
}
