using System;

namespace EmbeddedReco;

/// <summary>
/// Student's t distribution in managed code, for analysis tooling: the CDF through the regularized incomplete beta function
/// (continued fraction, modified Lentz), and the quantile by bisection on the CDF. Accurate to about 1e-12. (The engine's own
/// A/B report, <see cref="ExperimentStatistics"/>, keeps an internal copy of the same math in the core library.)
/// </summary>
public static class StudentTDistribution
{
    private const double Epsilon = 1e-15;
    private const double Tiny = 1e-300;

    // Lanczos approximation, g = 7, n = 9 (the widely published coefficient set).
    private static readonly double[] Lanczos =
    {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    };

    /// <summary>P(T &lt;= t) of Student's t distribution with <paramref name="degreesOfFreedom"/> (may be fractional).</summary>
    /// <param name="t">The point.</param>
    /// <param name="degreesOfFreedom">Degrees of freedom, above zero.</param>
    /// <returns>The cumulative probability; NaN for invalid input.</returns>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        double df = degreesOfFreedom;
        if (double.IsNaN(t) || !(df > 0))
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(t))
        {
            return 1;
        }

        if (double.IsNegativeInfinity(t))
        {
            return 0;
        }

        double tail = 0.5 * TwoSidedTail(t, df);
        return t > 0 ? 1 - tail : tail;
    }

    /// <summary>P(|T| &gt;= |t|): the two-sided p-value of a t statistic.</summary>
    /// <param name="t">The t statistic.</param>
    /// <param name="degreesOfFreedom">Degrees of freedom, above zero (may be fractional).</param>
    /// <returns>The two-sided p-value; NaN for invalid input.</returns>
    public static double TwoSidedP(double t, double degreesOfFreedom)
    {
        double df = degreesOfFreedom;
        if (double.IsNaN(t) || !(df > 0))
        {
            return double.NaN;
        }

        return double.IsInfinity(t) ? 0 : TwoSidedTail(t, df);
    }

    /// <summary>The quantile of Student's t distribution: q with P(T &lt;= q) = <paramref name="probability"/>.</summary>
    /// <param name="probability">Strictly between 0 and 1.</param>
    /// <param name="degreesOfFreedom">Degrees of freedom, above zero (may be fractional).</param>
    /// <returns>The quantile; NaN for invalid input.</returns>
    public static double Quantile(double probability, double degreesOfFreedom)
    {
        double p = probability, df = degreesOfFreedom;
        if (!(p > 0 && p < 1) || !(df > 0))
        {
            return double.NaN;
        }

        if (p == 0.5)
        {
            return 0;
        }

        // Solve TwoSidedTail(q) = 2 * min(p, 1 - p) for q > 0; the tail decreases in q.
        double target = 2 * Math.Min(p, 1 - p);
        double lo = 0, hi = 1;
        while (TwoSidedTail(hi, df) > target && hi < 1e300)
        {
            lo = hi;
            hi *= 2;
        }

        for (int i = 0; i < 200 && hi - lo > 1e-14 * Math.Max(1, hi); i++)
        {
            double mid = 0.5 * (lo + hi);
            if (TwoSidedTail(mid, df) > target)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        double q = 0.5 * (lo + hi);
        return p < 0.5 ? -q : q;
    }

    /// <summary>I_x(a, b), the regularized incomplete beta function, for a, b &gt; 0 and 0 &lt;= x &lt;= 1.</summary>
    private static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (double.IsNaN(x) || !(a > 0) || !(b > 0))
        {
            return double.NaN;
        }

        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        double front = Math.Exp(lnFront);

        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) otherwise.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(x, a, b) / a
            : 1 - (front * BetaContinuedFraction(1 - x, b, a) / b);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos; reflection below 0.5).</summary>
    private static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Γ(x)Γ(1-x) = π / sin(πx)
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    private static double TwoSidedTail(double t, double df)
    {
        double x = df / (df + (t * t));
        return RegularizedIncompleteBeta(x, df / 2, 0.5);
    }

    private static double BetaContinuedFraction(double x, double a, double b)
    {
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - (qab * x / qap);
        if (Math.Abs(d) < Tiny)
        {
            d = Tiny;
        }

        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            if (Math.Abs(d) < Tiny)
            {
                d = Tiny;
            }

            c = 1 + (aa / c);
            if (Math.Abs(c) < Tiny)
            {
                c = Tiny;
            }

            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            if (Math.Abs(d) < Tiny)
            {
                d = Tiny;
            }

            c = 1 + (aa / c);
            if (Math.Abs(c) < Tiny)
            {
                c = Tiny;
            }

            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon)
            {
                break;
            }
        }

        return h;
    }
}
