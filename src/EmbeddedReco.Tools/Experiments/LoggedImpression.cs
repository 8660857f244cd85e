using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>
/// One logged impression for off-policy evaluation: who saw which item, the probability with which the logging policy showed
/// it (<see cref="Suggestion.Propensity"/>), and the observed reward (1 for a click, 0 for none).
/// </summary>
public readonly struct LoggedImpression
{
    /// <summary>Creates a logged impression.</summary>
    /// <param name="userId">The player's id.</param>
    /// <param name="itemId">The shown item's id.</param>
    /// <param name="propensity">The logging policy's probability of showing this item, in (0, 1].</param>
    /// <param name="reward">The observed reward: 1 for a click, 0 for none (any finite value works for other rewards).</param>
    public LoggedImpression(string userId, string itemId, double propensity, double reward)
    {
        UserId = userId;
        ItemId = itemId;
        Propensity = propensity;
        Reward = reward;
    }

    /// <summary>The player's id.</summary>
    public string UserId { get; }

    /// <summary>The shown item's id.</summary>
    public string ItemId { get; }

    /// <summary>The logging policy's probability of showing the item, in (0, 1].</summary>
    public double Propensity { get; }

    /// <summary>The observed reward (1 = click, 0 = none).</summary>
    public double Reward { get; }

    /// <inheritdoc />
    public override string ToString() => $"{UserId} {ItemId} p={Propensity} r={Reward}";
}

/// <summary>The off-policy estimate of a candidate policy's mean reward (click rate) from a log.</summary>
public sealed class OffPolicyEstimate
{
    internal OffPolicyEstimate(long count, double ips, double snips, double weightSum, double effectiveSampleSize, long clipped)
    {
        Count = count;
        Ips = ips;
        SelfNormalizedIps = snips;
        WeightSum = weightSum;
        EffectiveSampleSize = effectiveSampleSize;
        ClippedCount = clipped;
    }

    /// <summary>The number of logged impressions used.</summary>
    public long Count { get; }

    /// <summary>Inverse propensity scoring: (1/n) Σ w_i r_i with w_i = π(item_i) / propensity_i. Unbiased without clipping;
    /// NaN for an empty log.</summary>
    public double Ips { get; }

    /// <summary>Self-normalized IPS: Σ w_i r_i / Σ w_i. Slightly biased, much lower variance; NaN when every weight is zero.</summary>
    public double SelfNormalizedIps { get; }

    /// <summary>Σ w_i (after clipping). About <see cref="Count"/> when the candidate and logging policies overlap well.</summary>
    public double WeightSum { get; }

    /// <summary>Kish's effective sample size (Σ w)² / Σ w²: how many impressions the estimate is really worth.</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>How many weights were clipped at the maximum weight.</summary>
    public long ClippedCount { get; }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"n={Count}, IPS={Ips:0.####}, SNIPS={SelfNormalizedIps:0.####}, ESS={EffectiveSampleSize:0.#}, clipped={ClippedCount}");
}

/// <summary>
/// Off-policy evaluation: estimates how a candidate policy would have done from impressions logged under another policy,
/// using the logged propensities (inverse propensity scoring, as in Vowpal Wabbit's estimators).
/// </summary>
public static class OffPolicyEstimator
{
    /// <summary>Estimates the candidate policy's mean reward per impression.</summary>
    /// <param name="log">The logged impressions.</param>
    /// <param name="candidateProbability">For a logged impression, the candidate policy's probability (0..1) of showing the same item
    /// to the same player in the same slot.</param>
    /// <param name="maxWeight">Importance weights above this are clipped to it (lower variance, some bias). Default
    /// <see cref="double.PositiveInfinity"/> (no clipping). Must be above zero.</param>
    /// <returns>The IPS and SNIPS estimates.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> or <paramref name="candidateProbability"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWeight"/> is zero, negative or NaN.</exception>
    /// <exception cref="ArgumentException">A logged propensity is outside (0, 1], a reward is not finite, or the candidate probability
    /// is outside 0..1.</exception>
    public static OffPolicyEstimate Estimate(IEnumerable<LoggedImpression> log, Func<LoggedImpression, double> candidateProbability, double maxWeight = double.PositiveInfinity)
    {
        if (log is null)
        {
            throw new ArgumentNullException(nameof(log), "The log must not be null.");
        }

        if (candidateProbability is null)
        {
            throw new ArgumentNullException(nameof(candidateProbability), "The candidate policy's probability function must not be null.");
        }

        if (!(maxWeight > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "The maximum importance weight must be above zero.");
        }

        long n = 0, clipped = 0;
        double sumWr = 0, sumW = 0, sumW2 = 0;
        foreach (var record in log)
        {
            if (!(record.Propensity > 0 && record.Propensity <= 1))
            {
                throw new ArgumentException($"Logged impression {n} ({record.UserId}, {record.ItemId}) has propensity {record.Propensity}; it must be in (0, 1].", nameof(log));
            }

            if (double.IsNaN(record.Reward) || double.IsInfinity(record.Reward))
            {
                throw new ArgumentException($"Logged impression {n} ({record.UserId}, {record.ItemId}) has a non-finite reward ({record.Reward}).", nameof(log));
            }

            double pi = candidateProbability(record);
            if (!(pi >= 0 && pi <= 1))
            {
                throw new ArgumentException($"The candidate probability for logged impression {n} ({record.UserId}, {record.ItemId}) is {pi}; it must be between 0 and 1.", nameof(candidateProbability));
            }

            double w = pi / record.Propensity;
            if (w > maxWeight)
            {
                w = maxWeight;
                clipped++;
            }

            n++;
            sumW += w;
            sumW2 += w * w;
            sumWr += w * record.Reward;
        }

        double ips = n == 0 ? double.NaN : sumWr / n;
        double snips = sumW > 0 ? sumWr / sumW : double.NaN;
        double ess = sumW2 > 0 ? sumW * sumW / sumW2 : 0;
        return new OffPolicyEstimate(n, ips, snips, sumW, ess, clipped);
    }
}
