using EmbeddedReco.Catalog;

namespace EmbeddedReco.Tests.Catalog;

public class MutableItemCountersTests
{
    [Fact]
    public void Constructor_NewCounters_ZeroAndNoPopularity()
    {
        var counters = new MutableItemCounters(3);

        Assert.Equal(3, counters.Count);
        Assert.Equal(double.NegativeInfinity, counters.PopularityLog2(2));
        Assert.Equal(0, counters.Impressions(2));
        Assert.Equal(0, counters.Engagements(2));
    }

    [Fact]
    public void AddAndSet_OneRow_OnlyThatRowChanges()
    {
        var counters = new MutableItemCounters(3);

        counters.AddImpression(1);
        counters.AddImpression(1);
        counters.AddEngagement(1);
        counters.SetPopularityLog2(1, 3.25);

        Assert.Equal((3.25, 2L, 1L), (counters.PopularityLog2(1), counters.Impressions(1), counters.Engagements(1)));
        Assert.Equal((double.NegativeInfinity, 0L, 0L), (counters.PopularityLog2(0), counters.Impressions(0), counters.Engagements(0)));
    }

    [Fact]
    public void CopyArrays_AfterUpdates_MatchReadsAndAreNotShared()
    {
        var counters = new MutableItemCounters(2);
        counters.Set(0, -1.5, 7, 4);

        var log2 = counters.CopyPopularityLog2();
        counters.Set(0, 2, 8, 5);

        Assert.Equal(new[] { -1.5, double.NegativeInfinity }, log2);
        Assert.Equal(new long[] { 8, 0 }, counters.CopyImpressions());
        Assert.Equal(new long[] { 5, 0 }, counters.CopyEngagements());
    }
}
