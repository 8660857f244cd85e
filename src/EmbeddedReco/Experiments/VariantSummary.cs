using System.Globalization;

namespace EmbeddedReco;

/// <summary>One variant of an A/B report: how many players, their mean value and its 95% confidence interval.</summary>
public sealed class VariantSummary
{
    internal VariantSummary(string variant, long users, double mean, double variance, double standardError, double lower95, double upper95)
    {
        Variant = variant;
        Users = users;
        Mean = mean;
        Variance = variance;
        StandardError = standardError;
        Lower95 = lower95;
        Upper95 = upper95;
    }

    /// <summary>The variant's name.</summary>
    public string Variant { get; }

    /// <summary>The number of players.</summary>
    public long Users { get; }

    /// <summary>The mean value per player (NaN with no players).</summary>
    public double Mean { get; }

    /// <summary>The sample variance (n - 1 denominator; NaN with fewer than two players).</summary>
    public double Variance { get; }

    /// <summary>The standard error of the mean, sqrt(variance / n) (NaN with fewer than two players).</summary>
    public double StandardError { get; }

    /// <summary>Lower end of the 95% confidence interval of the mean: mean - t(0.975, n - 1) x standard error.</summary>
    public double Lower95 { get; }

    /// <summary>Upper end of the 95% confidence interval of the mean: mean + t(0.975, n - 1) x standard error.</summary>
    public double Upper95 { get; }

    /// <inheritdoc />
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture, "{0}: n={1}, mean={2:0.####} [{3:0.####}, {4:0.####}]", Variant, Users, Mean, Lower95, Upper95);
}
