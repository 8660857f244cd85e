using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>
/// Per-call settings of <see cref="RecoEngine.Suggest(string, SuggestOptions)"/>. Every property is optional: null or empty means
/// "the engine's default" (<see cref="RecoEngineOptions.Policy"/>) or "no filter". An instance may be reused across calls and threads
/// as long as it is not modified while in use.
/// </summary>
public sealed class SuggestOptions
{
    /// <summary>How many suggestions (list overloads only; the span overload uses the span's length). Null = <see cref="RecoEngineOptions.DefaultCount"/>.</summary>
    public int? Count { get; set; }

    /// <summary>Probability that a slot is filled by an exploration pick (0..1). Null = <see cref="PolicyOptions.Epsilon"/> (0.03).</summary>
    public double? Epsilon { get; set; }

    /// <summary>The MMR lambda (0..1): 1 = pure relevance, lower = more diverse lists. Null = <see cref="PolicyOptions.Diversity"/> (0.9).</summary>
    public double? Diversity { get; set; }

    /// <summary>Seed of this call's random choices. Null = the engine's generator (seeded by <see cref="PolicyOptions.Seed"/>, advanced per call).</summary>
    public int? Seed { get; set; }

    /// <summary>At most this many items carrying the same tag in one list. Null = <see cref="PolicyOptions.MaxPerTag"/> (no cap).</summary>
    public int? MaxPerTag { get; set; }

    /// <summary>Only items carrying at least one of these tags. Null or empty = no requirement.</summary>
    public ICollection<string>? RequiredTags { get; set; }

    /// <summary>No item carrying any of these tags. Null or empty = no exclusion.</summary>
    public ICollection<string>? ExcludedTags { get; set; }

    /// <summary>Item ids never to return in this call (e.g. what is already on screen).</summary>
    public ICollection<string>? ExcludedItems { get; set; }

    /// <summary>A predicate over (item id, item tags): false excludes the item. Called only for items that could make the list. Null = none.</summary>
    public Func<string, IReadOnlyList<string>, bool>? Filter { get; set; }

    /// <summary>Also suggest items the player already consumed (see <see cref="RecoEngineOptions.ConsumedKinds"/>). Default false.</summary>
    public bool IncludeConsumed { get; set; }

    /// <summary>Per-scorer weights for this call, by scorer name (e.g. "content", "popularity"); missing names keep their registered weight.</summary>
    public IReadOnlyDictionary<string, double>? ScorerWeights { get; set; }

    /// <summary>Free-form host context (player level, coins, platform, ...) that scorers read through <see cref="ScoringContext.Context"/>.</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; set; }

    /// <summary>
    /// Remember this list as shown to the player, so the next lists demote its items (<see cref="PolicyOptions.RecentLists"/>) and,
    /// when <see cref="PolicyOptions.RecordShownAsImpressions"/> is on, record an impression for each item. Default true; set false to peek.
    /// </summary>
    public bool MarkShown { get; set; } = true;

    /// <summary>
    /// Fill <see cref="Suggestion.Breakdown"/> (one small allocation per suggestion). The list overloads always explain;
    /// for the span overload the default is false, so a game loop allocates nothing.
    /// </summary>
    public bool Explain { get; set; }

    /// <summary>A copy of these options with the given exploration and diversity (for the warm-up's paths).</summary>
    internal SuggestOptions WithPolicy(double epsilon, double diversity)
    {
        var copy = (SuggestOptions)MemberwiseClone(); // every other setting as it is, including ones added later
        copy.Epsilon = epsilon;
        copy.Diversity = diversity;
        return copy;
    }

    internal void Validate()
    {
        if (Count is int c && (c < 1 || c > 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(Count), c, "SuggestOptions.Count must be between 1 and 1000.");
        }

        PolicyOptions.CheckProbability(Epsilon, "SuggestOptions.Epsilon");
        PolicyOptions.CheckProbability(Diversity, "SuggestOptions.Diversity");
        if (MaxPerTag is int m && m < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPerTag), m, "SuggestOptions.MaxPerTag must be at least 1 (or null for no cap).");
        }

        // ScorerWeights are checked where they are read (ScoringPipeline), without enumerating the dictionary on every call.
    }
}
