namespace EmbeddedReco.Tests.Experiments;

public sealed class OffPolicyEstimatorTests
{
    // Ten items with known click probabilities. The logging policy shows item i with probability proportional to (i + 1);
    // the candidate policy shows items 7, 8, 9 with probabilities 0.2, 0.3, 0.5. Its true click rate is therefore
    // 0.2 * p7 + 0.3 * p8 + 0.5 * p9.
    private static readonly double[] ClickProbability = { 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 0.4, 0.5 };
    private static readonly double[] Candidate = { 0, 0, 0, 0, 0, 0, 0, 0.2, 0.3, 0.5 };

    private static List<LoggedImpression> SyntheticLog(int count, int seed)
    {
        var logging = new double[10];
        for (int i = 0; i < 10; i++)
        {
            logging[i] = (i + 1) / 55.0;
        }

        var rng = new Random(seed);
        var log = new List<LoggedImpression>(count);
        for (int n = 0; n < count; n++)
        {
            double u = rng.NextDouble();
            int item = 9;
            for (int i = 0; i < 10; i++)
            {
                u -= logging[i];
                if (u < 0)
                {
                    item = i;
                    break;
                }
            }

            double reward = rng.NextDouble() < ClickProbability[item] ? 1 : 0;
            log.Add(new LoggedImpression($"u{n % 500}", $"item-{item}", logging[item], reward));
        }

        return log;
    }

    private static double CandidateOf(LoggedImpression r) => Candidate[int.Parse(r.ItemId.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture)];

    [Fact]
    public void Estimate_SyntheticLogWithKnownClickRates_RecoversTruth()
    {
        double truth = (0.2 * 0.3) + (0.3 * 0.4) + (0.5 * 0.5); // 0.43
        var log = SyntheticLog(200_000, seed: 42);

        var estimate = OffPolicyEstimator.Estimate(log, CandidateOf);

        Assert.Equal(200_000, estimate.Count);
        Assert.InRange(estimate.Ips, truth - 0.01, truth + 0.01);
        Assert.InRange(estimate.SelfNormalizedIps, truth - 0.01, truth + 0.01);
        Assert.InRange(estimate.WeightSum / estimate.Count, 0.97, 1.03); // E[w] = 1 when the candidate is covered
        Assert.True(estimate.EffectiveSampleSize < estimate.Count);
        Assert.Equal(0, estimate.ClippedCount);
    }

    [Fact]
    public void Estimate_LoggingPolicyItself_EqualsObservedRate()
    {
        var log = SyntheticLog(5_000, seed: 3);
        double observed = log.Average(r => r.Reward);

        var estimate = OffPolicyEstimator.Estimate(log, r => r.Propensity);

        Assert.Equal(observed, estimate.Ips, 12);
        Assert.Equal(observed, estimate.SelfNormalizedIps, 12);
    }

    [Fact]
    public void Estimate_WithClipping_CountsClippedWeights()
    {
        var log = new[] { new LoggedImpression("u", "a", 0.1, 1), new LoggedImpression("u", "b", 0.5, 0) };

        var estimate = OffPolicyEstimator.Estimate(log, _ => 1.0, maxWeight: 5);

        Assert.Equal(1, estimate.ClippedCount);
        Assert.Equal((5.0 * 1) / 2, estimate.Ips, 12); // weights 5 (clipped from 10) and 2
        Assert.Equal(5.0 / 7.0, estimate.SelfNormalizedIps, 12);
    }

    [Fact]
    public void Estimate_EmptyLog_NaN()
    {
        var estimate = OffPolicyEstimator.Estimate(Array.Empty<LoggedImpression>(), _ => 1);
        Assert.Equal(0, estimate.Count);
        Assert.True(double.IsNaN(estimate.Ips));
        Assert.True(double.IsNaN(estimate.SelfNormalizedIps));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Estimate_BadPropensity_Throws(double propensity)
    {
        var ex = Assert.Throws<ArgumentException>(() => OffPolicyEstimator.Estimate(new[] { new LoggedImpression("u", "i", propensity, 1) }, _ => 0.5));
        Assert.Contains("propensity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_BadCandidateProbability_Throws()
    {
        Assert.Throws<ArgumentException>(() => OffPolicyEstimator.Estimate(new[] { new LoggedImpression("u", "i", 0.5, 1) }, _ => 1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => OffPolicyEstimator.Estimate(new[] { new LoggedImpression("u", "i", 0.5, 1) }, _ => 1, maxWeight: 0));
    }
}
