using EmbeddedReco.Experiments;

namespace EmbeddedReco;

/// <summary>
/// Student's t distribution in managed code, for analysis tooling: the CDF through the regularized incomplete beta function
/// (continued fraction, modified Lentz), and the quantile by bisection on the CDF. Accurate to about 1e-12. It is the same math
/// the engine's own A/B report (<see cref="ExperimentStatistics"/>) uses: the core's internal implementation, one copy.
/// </summary>
public static class StudentTDistribution
{
    /// <summary>P(T &lt;= t) of Student's t distribution with <paramref name="degreesOfFreedom"/> (may be fractional).</summary>
    /// <param name="t">The point.</param>
    /// <param name="degreesOfFreedom">Degrees of freedom, above zero.</param>
    /// <returns>The cumulative probability; NaN for invalid input.</returns>
    public static double Cdf(double t, double degreesOfFreedom) => StudentT.Cdf(t, degreesOfFreedom);

    /// <summary>P(|T| &gt;= |t|): the two-sided p-value of a t statistic.</summary>
    /// <param name="t">The t statistic.</param>
    /// <param name="degreesOfFreedom">Degrees of freedom, above zero (may be fractional).</param>
    /// <returns>The two-sided p-value; NaN for invalid input.</returns>
    public static double TwoSidedP(double t, double degreesOfFreedom) => StudentT.TwoSidedP(t, degreesOfFreedom);

    /// <summary>The quantile of Student's t distribution: q with P(T &lt;= q) = <paramref name="probability"/>.</summary>
    /// <param name="probability">Strictly between 0 and 1.</param>
    /// <param name="degreesOfFreedom">Degrees of freedom, above zero (may be fractional).</param>
    /// <returns>The quantile; NaN for invalid input.</returns>
    public static double Quantile(double probability, double degreesOfFreedom) => StudentT.Quantile(probability, degreesOfFreedom);
}
