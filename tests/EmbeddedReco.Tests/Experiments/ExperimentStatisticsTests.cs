using EmbeddedReco.Experiments;

namespace EmbeddedReco.Tests.Experiments;

public sealed class ExperimentStatisticsTests
{
    // Wikipedia, "Welch's t-test", example 1 (sample A1 and A2): t = -2.46 (A1 - A2), df = 25.0, p = 0.021.
    // Precise values below recomputed with mpmath 1.3 at 30 digits (regularized incomplete beta).
    private static readonly double[] A1 = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4 };
    private static readonly double[] A2 = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4 };

    [Fact]
    public void Compare_WikipediaWelchExample_MatchesKnownValues()
    {
        var control = ExperimentStatistics.Summarize("A1", A1);
        var treatment = ExperimentStatistics.Summarize("A2", A2);

        var result = ExperimentStatistics.Compare(control, treatment);

        Assert.Equal(2.45535639828600506, result.TStatistic, 9);
        Assert.Equal(24.9885292902314144, result.DegreesOfFreedom, 9);
        Assert.Equal(0.0213780014628670325, result.PValue, 9);
        Assert.True(result.IsSignificant);
        Assert.Equal(22.98666666666666667 - 20.82, result.Difference, 12);
        Assert.Equal((22.98666666666666667 - 20.82) / 20.82, result.Lift, 12);
    }

    [Fact]
    public void Summarize_WikipediaSampleA1_MeanVarianceAndTInterval()
    {
        var s = ExperimentStatistics.Summarize("A1", A1);

        Assert.Equal(15, s.Users);
        Assert.Equal(20.82, s.Mean, 12);
        Assert.Equal(7.86742857142857143, s.Variance, 12);
        // mean ± t(0.975, 14) * sqrt(var / n), mpmath.
        Assert.Equal(19.2667016524512428, s.Lower95, 9);
        Assert.Equal(22.3732983475487572, s.Upper95, 9);
    }

    [Theory]
    // Student t 0.975 quantiles: printed tables (12.706, 4.303, 2.228, 2.045, 1.962), precise digits from mpmath.
    [InlineData(1, 12.7062047361747046)]
    [InlineData(2, 4.30265272974946385)]
    [InlineData(10, 2.22813885198627475)]
    [InlineData(29, 2.04522964213270430)]
    [InlineData(1000, 1.96233908082640848)]
    public void StudentTQuantile_Known975Values_Match(double df, double expected)
    {
        Assert.Equal(expected, StudentTDistribution.Quantile(0.975, df), 8);
        Assert.Equal(-expected, StudentTDistribution.Quantile(0.025, df), 8);
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(-0.5)]
    [InlineData(0.0)]
    [InlineData(0.8)]
    [InlineData(7.0)]
    public void StudentTCdf_OneAndTwoDegrees_MatchClosedForms(double t)
    {
        // df = 1 is the Cauchy distribution: 1/2 + atan(t)/pi. df = 2: 1/2 + t / (2 sqrt(2 + t^2)).
        Assert.Equal(0.5 + (Math.Atan(t) / Math.PI), StudentTDistribution.Cdf(t, 1), 12);
        Assert.Equal(0.5 + (t / (2 * Math.Sqrt(2 + (t * t)))), StudentTDistribution.Cdf(t, 2), 12);
    }

    [Theory]
    // mpmath reference values at fractional and large df.
    [InlineData(1.5, 7.3, 0.912218453598456937)]
    [InlineData(-0.7, 3.5, 0.263817071172839454)]
    [InlineData(2.5, 100, 0.992977105437961411)]
    public void StudentTCdf_MpmathValues_Match(double t, double df, double expected)
    {
        Assert.Equal(expected, StudentTDistribution.Cdf(t, df), 10);
    }

    [Fact]
    public void RegularizedIncompleteBeta_SymmetryAndUniformCase_Hold()
    {
        // I_x(1, 1) = x; I_x(a, b) = 1 - I_{1-x}(b, a).
        Assert.Equal(0.3, StudentT.RegularizedIncompleteBeta(0.3, 1, 1), 12);
        Assert.Equal(
            1 - StudentT.RegularizedIncompleteBeta(0.6, 4.5, 2.5),
            StudentT.RegularizedIncompleteBeta(0.4, 2.5, 4.5),
            12);
    }

    [Fact]
    public void Compare_IdenticalConstantSamples_PIsOne()
    {
        var a = ExperimentStatistics.Summarize("a", new[] { 2.0, 2.0, 2.0 });
        var b = ExperimentStatistics.Summarize("b", new[] { 2.0, 2.0 });
        var r = ExperimentStatistics.Compare(a, b);
        Assert.Equal(0, r.TStatistic);
        Assert.Equal(1, r.PValue);
        Assert.False(r.IsSignificant);
    }

    [Fact]
    public void Summarize_TooFewUsers_NaNStatistics()
    {
        var empty = ExperimentStatistics.Summarize("e", Array.Empty<double>());
        var one = ExperimentStatistics.Summarize("o", new[] { 3.0 });
        Assert.Equal(0, empty.Users);
        Assert.True(double.IsNaN(empty.Mean));
        Assert.Equal(3.0, one.Mean);
        Assert.True(double.IsNaN(one.Lower95));
        Assert.True(double.IsNaN(ExperimentStatistics.Compare(one, empty).PValue));
    }

    [Fact]
    public void Summarize_NonFiniteValue_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => ExperimentStatistics.Summarize("v", new[] { 1.0, double.NaN }));
        Assert.Contains("finite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ThreeVariants_ComparesEachWithControl()
    {
        var experiment = new Experiment("e", new[] { new ExperimentVariant("A1", 1), new ExperimentVariant("A2", 1), new ExperimentVariant("none", 1) });
        var values = new Dictionary<string, IReadOnlyList<double>> { ["A1"] = A1, ["A2"] = A2 };

        var report = ExperimentStatistics.Report(experiment, values);

        Assert.Equal(3, report.Count);
        Assert.Equal(1, report[0].PValue, 12); // control against itself
        Assert.Equal(0.0213780014628670325, report[1].PValue, 9);
        Assert.Equal(0, report[2].Treatment.Users);
    }
}
