using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>Why an item is in a suggestion list.</summary>
public enum SuggestionSource
{
    /// <summary>Ranked by the player's own profile.</summary>
    Personalized = 0,

    /// <summary>Ranked by engagement-weighted, time-decayed popularity: the cold-start path for players without history.</summary>
    Popular = 1,

    /// <summary>Picked by the exploration policy instead of the greedy choice.</summary>
    Explore = 2,
}

/// <summary>
/// One suggested item. A value type: <see cref="RecoEngine.Suggest(string, Span{Suggestion})"/> fills a caller-owned buffer of
/// these without allocating.
/// </summary>
public readonly struct Suggestion : IEquatable<Suggestion>
{
    /// <summary>Creates a suggestion.</summary>
    /// <param name="itemId">The suggested item's id.</param>
    /// <param name="score">The item's score (higher is better).</param>
    /// <param name="source">Why the item is in the list.</param>
    /// <param name="propensity">The probability that the policy puts this item in this slot given the same state.</param>
    /// <param name="breakdown">Per-scorer contributions that sum to <paramref name="score"/>, or null.</param>
    /// <param name="variant">The experiment variant that produced the list, or null.</param>
    public Suggestion(string itemId, float score, SuggestionSource source, double propensity, IReadOnlyList<ScoreContribution>? breakdown = null, string? variant = null)
    {
        ItemId = itemId;
        Score = score;
        Source = source;
        Propensity = propensity;
        Breakdown = breakdown;
        Variant = variant;
    }

    /// <summary>The suggested item's id.</summary>
    public string ItemId { get; }

    /// <summary>
    /// The item's blended relevance: the sum over scorers of weight x normalized score, minus the recent-list penalty when it applies
    /// (see <see cref="Breakdown"/>). With the default scorers it lies in 0..1.1. Exploration picks carry their own blended score.
    /// </summary>
    public float Score { get; }

    /// <summary>Why the item is in the list.</summary>
    public SuggestionSource Source { get; }

    /// <summary>
    /// The probability (0..1] that the policy puts this item in this slot given the same state. 1 for a deterministic choice.
    /// </summary>
    public double Propensity { get; }

    /// <summary>
    /// Why the item scored what it scored: one entry per scorer that took part (weight x normalized score) and "policy:recent" for the
    /// recent-list penalty; the entries sum to <see cref="Score"/>. Null on the span overload unless <see cref="SuggestOptions.Explain"/> is set.
    /// </summary>
    public IReadOnlyList<ScoreContribution>? Breakdown { get; }

    /// <summary>The experiment variant the player was assigned to when this list was made, or null outside experiments.</summary>
    public string? Variant { get; }

    /// <summary>Equal when item, score, source, propensity and variant are equal (the breakdown is explanation, not identity).</summary>
    /// <param name="other">The other suggestion.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(Suggestion other) =>
        string.Equals(ItemId, other.ItemId, StringComparison.Ordinal) && Score.Equals(other.Score)
        && Source == other.Source && Propensity.Equals(other.Propensity) && string.Equals(Variant, other.Variant, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Suggestion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ItemId, Score, Source, Propensity);

    /// <inheritdoc />
    public override string ToString() => $"{ItemId} {Score:0.0000} {Source} p={Propensity:0.###}";
}
