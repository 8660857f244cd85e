using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>
/// The policy and scorer settings of one experiment variant. Every setting is an optional override: null (or false) means
/// "use the engine's own setting", so a variant only names what it changes. Immutable; the scorer weights are copied.
/// </summary>
public sealed class VariantSettings
{
    private static readonly IReadOnlyDictionary<string, double> NoWeights = new Dictionary<string, double>(0, StringComparer.Ordinal);

    /// <summary>Settings that override nothing: the variant runs the engine's defaults (a typical control).</summary>
    public static VariantSettings Default { get; } = new VariantSettings();

    /// <summary>Creates variant settings.</summary>
    /// <param name="epsilon">Exploration rate of the epsilon-greedy policy, 0..1; null (the default) keeps the engine's setting.</param>
    /// <param name="diversity">MMR lambda, 0..1 (1 = pure relevance, lower = more diverse lists); null (the default) keeps the
    /// engine's setting.</param>
    /// <param name="scorerWeights">Weight per scorer name, each finite and zero or more; null (the default) keeps the engine's
    /// weights. Names are compared ordinally. The dictionary is copied.</param>
    /// <param name="popularityOnly">True ranks by popularity alone (no personalization): a baseline. Default false.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> or <paramref name="diversity"/> is outside 0..1 or not a number.</exception>
    /// <exception cref="ArgumentException">A scorer name is empty or a weight is negative or not finite.</exception>
    public VariantSettings(double? epsilon = null, double? diversity = null, IReadOnlyDictionary<string, double>? scorerWeights = null, bool popularityOnly = false)
    {
        if (epsilon is double e && !(e >= 0 && e <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), e, "Epsilon must be between 0 and 1.");
        }

        if (diversity is double d && !(d >= 0 && d <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(diversity), d, "Diversity (MMR lambda) must be between 0 and 1.");
        }

        Epsilon = epsilon;
        Diversity = diversity;
        PopularityOnly = popularityOnly;
        if (scorerWeights is not null)
        {
            var copy = new Dictionary<string, double>(scorerWeights.Count, StringComparer.Ordinal);
            foreach (var pair in scorerWeights)
            {
                if (string.IsNullOrWhiteSpace(pair.Key))
                {
                    throw new ArgumentException("A scorer name in the variant's scorer weights is null, empty or white space.", nameof(scorerWeights));
                }

                if (double.IsNaN(pair.Value) || double.IsInfinity(pair.Value) || pair.Value < 0)
                {
                    throw new ArgumentException($"The weight of scorer '{pair.Key}' must be a finite number, zero or more; it is {pair.Value}.", nameof(scorerWeights));
                }

                copy[pair.Key] = pair.Value;
            }

            ScorerWeights = copy;
        }
    }

    /// <summary>Exploration rate override (0..1), or null to keep the engine's setting.</summary>
    public double? Epsilon { get; }

    /// <summary>MMR lambda override (0..1, 1 = no diversification), or null to keep the engine's setting.</summary>
    public double? Diversity { get; }

    /// <summary>Scorer weight overrides by scorer name, or null to keep the engine's weights.</summary>
    public IReadOnlyDictionary<string, double>? ScorerWeights { get; }

    /// <summary>True ranks by popularity alone (no personalization). Default false.</summary>
    public bool PopularityOnly { get; }

    /// <summary>The scorer weights, or an empty dictionary when there are no overrides.</summary>
    internal IReadOnlyDictionary<string, double> ScorerWeightsOrEmpty => ScorerWeights ?? NoWeights;

    /// <inheritdoc />
    public override string ToString() =>
        $"epsilon={(Epsilon is double e ? e.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "default")}, "
        + $"diversity={(Diversity is double d ? d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "default")}, "
        + $"weights={(ScorerWeights is null ? "default" : ScorerWeights.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}, popularityOnly={PopularityOnly}";
}
