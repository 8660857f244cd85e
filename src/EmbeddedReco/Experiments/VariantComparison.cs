using System.Globalization;

namespace EmbeddedReco;

/// <summary>A treatment compared with the control by Welch's two-sided t-test.</summary>
public sealed class VariantComparison
{
    internal VariantComparison(VariantSummary control, VariantSummary treatment, double difference, double lift, double t, double df, double p)
    {
        Control = control;
        Treatment = treatment;
        Difference = difference;
        Lift = lift;
        TStatistic = t;
        DegreesOfFreedom = df;
        PValue = p;
    }

    /// <summary>The control's summary.</summary>
    public VariantSummary Control { get; }

    /// <summary>The treatment's summary.</summary>
    public VariantSummary Treatment { get; }

    /// <summary>Treatment mean minus control mean.</summary>
    public double Difference { get; }

    /// <summary>Relative lift: <see cref="Difference"/> / |control mean| (0.1 = +10%); NaN when the control mean is zero.</summary>
    public double Lift { get; }

    /// <summary>Welch's t statistic (positive when the treatment is higher); NaN when a side has fewer than two players.</summary>
    public double TStatistic { get; }

    /// <summary>Welch–Satterthwaite degrees of freedom (fractional).</summary>
    public double DegreesOfFreedom { get; }

    /// <summary>Two-sided p-value of the difference in means.</summary>
    public double PValue { get; }

    /// <summary>True when <see cref="PValue"/> is below <see cref="ExperimentStatistics.SignificanceLevel"/> (0.05).</summary>
    public bool IsSignificant => PValue < ExperimentStatistics.SignificanceLevel;

    /// <inheritdoc />
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture, "{0} vs {1}: lift={2:+0.0%;-0.0%}, t={3:0.###}, df={4:0.#}, p={5:0.####}",
        Treatment.Variant, Control.Variant, Lift, TStatistic, DegreesOfFreedom, PValue);
}
