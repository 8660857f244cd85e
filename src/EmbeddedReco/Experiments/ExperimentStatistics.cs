using System;
using System.Collections.Generic;
using EmbeddedReco.Experiments;

namespace EmbeddedReco;

/// <summary>
/// The statistics of an A/B report: per-variant summaries with a 95% confidence interval from Student's t distribution, and
/// the comparison of a treatment against the control with Welch's unequal-variances t-test (two-sided). All in managed code,
/// deterministic, no random resampling.
/// </summary>
public static class ExperimentStatistics
{
    /// <summary>The confidence level of <see cref="VariantSummary.Lower95"/> and <see cref="VariantSummary.Upper95"/>: 0.95.</summary>
    public const double ConfidenceLevel = 0.95;

    /// <summary>The significance level of <see cref="VariantComparison.IsSignificant"/>: 0.05 (two-sided).</summary>
    public const double SignificanceLevel = 0.05;

    /// <summary>Summarizes one variant from one value per player (typically each player's engagement score).</summary>
    /// <param name="variant">The variant's name.</param>
    /// <param name="perUserValues">One finite value per player in the variant.</param>
    /// <returns>The count, mean, sample variance (n - 1) and the 95% t-interval of the mean. With no players every statistic is
    /// NaN; with one player the variance and interval are NaN.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variant"/> or <paramref name="perUserValues"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static VariantSummary Summarize(string variant, IEnumerable<double> perUserValues)
    {
        if (variant is null)
        {
            throw new ArgumentNullException(nameof(variant), "The variant name must not be null.");
        }

        if (perUserValues is null)
        {
            throw new ArgumentNullException(nameof(perUserValues), "The value list must not be null.");
        }

        // Welford's algorithm: one pass, numerically stable.
        long n = 0;
        double mean = 0, m2 = 0;
        foreach (double x in perUserValues)
        {
            if (double.IsNaN(x) || double.IsInfinity(x))
            {
                throw new ArgumentException($"Value {n} of variant '{variant}' is {x}; every value must be finite.", nameof(perUserValues));
            }

            n++;
            double delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
        }

        return FromMoments(variant, n, n == 0 ? double.NaN : mean, n < 2 ? double.NaN : m2 / (n - 1));
    }

    /// <summary>Builds a summary from known moments (for example, kept incrementally by an aggregator).</summary>
    /// <param name="variant">The variant's name.</param>
    /// <param name="users">The number of players, zero or more.</param>
    /// <param name="mean">The mean value per player (NaN when there are none).</param>
    /// <param name="variance">The sample variance with the n - 1 denominator (NaN when fewer than two players).</param>
    /// <returns>The summary with its 95% t-interval.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variant"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="users"/> is negative or <paramref name="variance"/> is negative.</exception>
    public static VariantSummary FromMoments(string variant, long users, double mean, double variance)
    {
        if (variant is null)
        {
            throw new ArgumentNullException(nameof(variant), "The variant name must not be null.");
        }

        if (users < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(users), users, "The number of users must be zero or more.");
        }

        if (variance < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "The variance must be zero or more.");
        }

        double se = users >= 2 ? Math.Sqrt(variance / users) : double.NaN;
        double half = users >= 2 ? StudentT.Quantile(1 - ((1 - ConfidenceLevel) / 2), users - 1) * se : double.NaN;
        return new VariantSummary(variant, users, mean, users >= 2 ? variance : double.NaN, se, mean - half, mean + half);
    }

    /// <summary>
    /// Compares a treatment with the control by Welch's t-test: t = (mean_t - mean_c) / sqrt(var_t/n_t + var_c/n_c), degrees of
    /// freedom by the Welch–Satterthwaite equation, two-sided p-value from Student's t CDF.
    /// </summary>
    /// <param name="control">The control's summary.</param>
    /// <param name="treatment">The treatment's summary.</param>
    /// <returns>The comparison. When either side has fewer than two players the test statistics are NaN. When both variances are
    /// zero: t = 0 and p = 1 for equal means, t = ±infinity and p = 0 otherwise, with df = n_c + n_t - 2.</returns>
    /// <exception cref="ArgumentNullException">A summary is null.</exception>
    public static VariantComparison Compare(VariantSummary control, VariantSummary treatment)
    {
        if (control is null)
        {
            throw new ArgumentNullException(nameof(control), "The control summary must not be null.");
        }

        if (treatment is null)
        {
            throw new ArgumentNullException(nameof(treatment), "The treatment summary must not be null.");
        }

        double diff = treatment.Mean - control.Mean;
        double lift = control.Mean != 0 ? diff / Math.Abs(control.Mean) : double.NaN;
        double t = double.NaN, df = double.NaN, p = double.NaN;
        if (control.Users >= 2 && treatment.Users >= 2)
        {
            double vc = control.Variance / control.Users;
            double vt = treatment.Variance / treatment.Users;
            double se2 = vc + vt;
            if (se2 > 0)
            {
                t = diff / Math.Sqrt(se2);
                df = se2 * se2 / ((vc * vc / (control.Users - 1)) + (vt * vt / (treatment.Users - 1)));
                p = StudentT.TwoSidedP(t, df);
            }
            else
            {
                df = control.Users + treatment.Users - 2;
                t = diff == 0 ? 0 : (diff > 0 ? double.PositiveInfinity : double.NegativeInfinity);
                p = diff == 0 ? 1 : 0;
            }
        }

        return new VariantComparison(control, treatment, diff, lift, t, df, p);
    }

    /// <summary>
    /// The A/B report of an experiment: each variant summarized and compared with the control (index 0, compared with itself).
    /// </summary>
    /// <param name="experiment">The experiment.</param>
    /// <param name="perUserValues">Per variant name, one value per player; a missing variant counts as having no players.</param>
    /// <returns>One comparison per variant, in the experiment's order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static IReadOnlyList<VariantComparison> Report(Experiment experiment, IReadOnlyDictionary<string, IReadOnlyList<double>> perUserValues)
    {
        if (experiment is null)
        {
            throw new ArgumentNullException(nameof(experiment), "The experiment must not be null.");
        }

        if (perUserValues is null)
        {
            throw new ArgumentNullException(nameof(perUserValues), "The per-variant values must not be null.");
        }

        var summaries = new VariantSummary[experiment.Variants.Count];
        for (int i = 0; i < summaries.Length; i++)
        {
            string name = experiment.Variants[i].Name;
            summaries[i] = Summarize(name, perUserValues.TryGetValue(name, out var values) ? values : Array.Empty<double>());
        }

        var result = new VariantComparison[summaries.Length];
        for (int i = 0; i < summaries.Length; i++)
        {
            result[i] = Compare(summaries[0], summaries[i]);
        }

        return result;
    }
}
