using System;
using System.Collections.Generic;

namespace EmbeddedReco.Policy;

/// <summary>
/// The settings of one <c>Suggest</c> call, resolved once from the engine's <see cref="PolicyOptions"/>, the player's experiment
/// variant and the call's <see cref="SuggestOptions"/> (an explicit call value wins over the variant's, the variant's over the
/// engine's). A value: nothing is written back into the caller's options or into shared scratch.
/// </summary>
internal readonly struct SuggestSettings
{
    private SuggestSettings(PolicyOptions policy, VariantSettings? variant, SuggestOptions? call, string? variantName)
    {
        double? epsilon = call?.Epsilon ?? variant?.Epsilon;
        EpsilonIsExplicit = epsilon is not null;
        Epsilon = epsilon ?? policy.Epsilon;
        Diversity = call?.Diversity ?? variant?.Diversity ?? policy.Diversity;
        MaxPerTag = call?.MaxPerTag ?? policy.MaxPerTag ?? 0;
        IncludeConsumed = call?.IncludeConsumed ?? false;
        MarkShown = call?.MarkShown ?? true;
        Seed = call?.Seed;
        ScorerWeights = call?.ScorerWeights ?? (variant is { PopularityOnly: false } ? variant.ScorerWeights : null);
        PopularityOnly = call?.ScorerWeights is null && (variant?.PopularityOnly ?? false);
        Context = call?.Context;
        Call = call;
        Variant = variantName;
    }

    /// <summary>Epsilon before the per-player decay (call, else variant, else engine).</summary>
    public double Epsilon { get; }

    /// <summary>True when the call or the variant set epsilon: then <see cref="PolicyOptions.EpsilonDecayInteractions"/> does not apply.</summary>
    public bool EpsilonIsExplicit { get; }

    /// <summary>The MMR lambda (1 = pure relevance).</summary>
    public double Diversity { get; }

    /// <summary>The per-tag cap; 0 = none.</summary>
    public int MaxPerTag { get; }

    /// <summary>Whether consumed items may be suggested.</summary>
    public bool IncludeConsumed { get; }

    /// <summary>Whether the list is remembered as shown (recent-list memory, the player's seed stream, impressions if configured).</summary>
    public bool MarkShown { get; }

    /// <summary>The call's seed; null = the player's own stream.</summary>
    public int? Seed { get; }

    /// <summary>Scorer weights by name (the call's, else the variant's), or null for the registered weights.</summary>
    public IReadOnlyDictionary<string, double>? ScorerWeights { get; }

    /// <summary>A popularity-only variant: the engine's content and collaborative scorers get weight 0, popularity 1 (by role).</summary>
    public bool PopularityOnly { get; }

    /// <summary>The host's context for scorers.</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; }

    /// <summary>The caller's options (for the per-call filters), or null.</summary>
    public SuggestOptions? Call { get; }

    /// <summary>The player's experiment variant, or null outside an experiment.</summary>
    public string? Variant { get; }

    /// <summary>Resolves the settings of a call. Allocation-free.</summary>
    /// <param name="policy">The engine's policy.</param>
    /// <param name="experiment">The engine's experiment, or null.</param>
    /// <param name="userId">The player (for the variant assignment).</param>
    /// <param name="call">The call's options, or null.</param>
    public static SuggestSettings Resolve(PolicyOptions policy, Experiment? experiment, string userId, SuggestOptions? call)
    {
        if (experiment is null)
        {
            return new SuggestSettings(policy, null, call, null);
        }

        var assigned = experiment.Assign(userId);
        return new SuggestSettings(policy, assigned.Settings, call, assigned.Name);
    }

    /// <summary>
    /// The epsilon for a player with <paramref name="positives"/> positive interactions: the configured value, decayed as
    /// epsilon x d / (d + positives) down to <see cref="PolicyOptions.MinEpsilon"/> when the engine decays and neither the call
    /// nor the variant set epsilon.
    /// </summary>
    public double EpsilonFor(PolicyOptions policy, long positives)
    {
        if (EpsilonIsExplicit || policy.EpsilonDecayInteractions <= 0)
        {
            return Epsilon;
        }

        double d = policy.EpsilonDecayInteractions;
        return Math.Max(Math.Min(policy.MinEpsilon, Epsilon), Epsilon * d / (d + positives));
    }
}
