using EmbeddedReco.Evaluation;

namespace EmbeddedReco.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    // Ranked a b c d e; relevant {b, d, z}: hits at ranks 2 and 4.
    private static readonly string[] Ranked = { "a", "b", "c", "d", "e" };
    private static readonly HashSet<string> Relevant = new() { "b", "d", "z" };

    [Fact]
    public void Ndcg_HitsAtTwoAndFour_HandComputed()
    {
        double dcg = (1 / Math.Log2(3)) + (1 / Math.Log2(5));
        double idcg = 1 + (1 / Math.Log2(3)) + (1 / Math.Log2(4));

        Assert.Equal(dcg / idcg, RankingMetrics.Ndcg(Ranked, Relevant, 5), 12);
    }

    [Fact]
    public void Ndcg_IdealOverMinOfRelevantAndK_HandComputed()
    {
        // K = 2: only rank 2 counts; ideal DCG over min(3, 2) = 2 hits.
        Assert.Equal((1 / Math.Log2(3)) / (1 + (1 / Math.Log2(3))), RankingMetrics.Ndcg(Ranked, Relevant, 2), 12);
        Assert.Equal(1.0, RankingMetrics.Ndcg(new[] { "b", "d", "z" }, Relevant, 10), 12);
    }

    [Fact]
    public void Precision_DividesByK()
    {
        Assert.Equal(2.0 / 5, RankingMetrics.Precision(Ranked, Relevant, 5), 12);
        Assert.Equal(2.0 / 10, RankingMetrics.Precision(Ranked, Relevant, 10), 12);
    }

    [Fact]
    public void Recall_DividesByRelevantCount()
    {
        Assert.Equal(2.0 / 3, RankingMetrics.Recall(Ranked, Relevant, 5), 12);
        Assert.Equal(1.0 / 3, RankingMetrics.Recall(Ranked, Relevant, 3), 12);
    }

    [Fact]
    public void AveragePrecision_HandComputed()
    {
        // (1/2 + 2/4) / min(3, 5) = 1/3.
        Assert.Equal(1.0 / 3, RankingMetrics.AveragePrecision(Ranked, Relevant, 5), 12);

        // K = 2: (1/2) / min(3, 2).
        Assert.Equal(0.25, RankingMetrics.AveragePrecision(Ranked, Relevant, 2), 12);
    }

    [Fact]
    public void HitRate_AndReciprocalRank_HandComputed()
    {
        Assert.Equal(1.0, RankingMetrics.HitRate(Ranked, Relevant, 5));
        Assert.Equal(0.0, RankingMetrics.HitRate(Ranked, Relevant, 1));
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(Ranked, Relevant, 5));
        Assert.Equal(0.0, RankingMetrics.ReciprocalRank(Ranked, Relevant, 1));
    }

    [Fact]
    public void Metrics_EmptyListOrNoRelevant_Zero()
    {
        Assert.Equal(0, RankingMetrics.Ndcg(Array.Empty<string>(), Relevant, 10));
        Assert.Equal(0, RankingMetrics.Ndcg(Ranked, new HashSet<string>(), 10));
        Assert.Equal(0, RankingMetrics.AveragePrecision(Ranked, new HashSet<string>(), 10));
    }

    [Fact]
    public void Metrics_KBelowOne_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RankingMetrics.Ndcg(Ranked, Relevant, 0));
    }

    [Fact]
    public void IntraListDiversity_OrthogonalAndEqualVectors_HandComputed()
    {
        var vectors = new Dictionary<string, ReadOnlyMemory<float>>
        {
            ["a"] = new float[] { 1, 0 },
            ["b"] = new float[] { 0, 2 },
            ["c"] = new float[] { 3, 0 },
            ["z"] = new float[] { 0, 0 },
        };

        // Pairs: (a,b) 1, (a,c) 0, (b,c) 1 -> 2/3; "z" (zero) and "d" (missing) are skipped.
        Assert.Equal(2.0 / 3, RankingMetrics.IntraListDiversity(new[] { "a", "b", "c", "z", "d" }, vectors, 10), 12);
        Assert.True(double.IsNaN(RankingMetrics.IntraListDiversity(new[] { "a" }, vectors, 10)));
    }

    [Fact]
    public void Novelty_MeanSelfInformation_HandComputed()
    {
        var pop = new Dictionary<string, int> { ["a"] = 8, ["b"] = 2, ["c"] = 0 };

        // Users 8: -log2(8/8) = 0, -log2(2/8) = 2, unknown counts as 1: -log2(1/8) = 3 -> mean 5/3.
        double novelty = RankingMetrics.Novelty(new[] { "a", "b", "c" }, i => pop[i], 8, 10);

        Assert.Equal(5.0 / 3, novelty, 12);
    }
}
