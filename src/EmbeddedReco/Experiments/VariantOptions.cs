using System;
using System.Collections.Generic;

namespace EmbeddedReco.Experiments;

/// <summary>
/// Applies a player's experiment variant to a Suggest call: the variant's <see cref="VariantSettings"/> fill what the caller's
/// <see cref="SuggestOptions"/> leave unset (an explicit caller value wins: a tutorial shelf that asks for epsilon 0 gets it).
/// Allocation-free: the result is written into a caller-owned scratch instance (one per thread).
/// </summary>
internal static class VariantOptions
{
    /// <summary>
    /// The scorer weights of a popularity-only variant: content 0, collaborative 0, popularity 1. Plugin scorers keep their registered weight.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> PopularityOnlyWeights =
        new Dictionary<string, double>(StringComparer.Ordinal) { [ScorerContract.Content] = 0, [ScorerContract.Collaborative] = 0, [ScorerContract.Popularity] = 1 };

    /// <summary>The scorer weights a variant asks for, or null to keep the engine's.</summary>
    public static IReadOnlyDictionary<string, double>? WeightsOf(VariantSettings settings) =>
        settings.PopularityOnly ? PopularityOnlyWeights : settings.ScorerWeights;

    /// <summary>
    /// Writes into <paramref name="scratch"/> the caller's options with the variant's settings filling the unset ones, and returns it.
    /// </summary>
    /// <param name="settings">The player's variant settings.</param>
    /// <param name="caller">The caller's options, or null.</param>
    /// <param name="scratch">A reusable instance owned by the calling thread; every property is overwritten.</param>
    /// <returns><paramref name="scratch"/>.</returns>
    public static SuggestOptions Merge(VariantSettings settings, SuggestOptions? caller, SuggestOptions scratch)
    {
        scratch.Count = caller?.Count;
        scratch.Epsilon = caller?.Epsilon ?? settings.Epsilon;
        scratch.Diversity = caller?.Diversity ?? settings.Diversity;
        scratch.Seed = caller?.Seed;
        scratch.MaxPerTag = caller?.MaxPerTag;
        scratch.RequiredTags = caller?.RequiredTags;
        scratch.ExcludedTags = caller?.ExcludedTags;
        scratch.ExcludedItems = caller?.ExcludedItems;
        scratch.Filter = caller?.Filter;
        scratch.IncludeConsumed = caller?.IncludeConsumed ?? false;
        scratch.ScorerWeights = caller?.ScorerWeights ?? WeightsOf(settings);
        scratch.Context = caller?.Context;
        scratch.MarkShown = caller?.MarkShown ?? true;
        scratch.Explain = caller?.Explain ?? false;
        return scratch;
    }
}
