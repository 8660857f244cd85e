using System;

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
    public Suggestion(string itemId, float score, SuggestionSource source, double propensity)
    {
        ItemId = itemId;
        Score = score;
        Source = source;
        Propensity = propensity;
    }

    /// <summary>The suggested item's id.</summary>
    public string ItemId { get; }

    /// <summary>
    /// The item's score. For <see cref="SuggestionSource.Personalized"/> items, the cosine similarity between the player's profile and
    /// the item (-1..1); for <see cref="SuggestionSource.Popular"/> items, the item's decayed engagement at the time of the call.
    /// </summary>
    public float Score { get; }

    /// <summary>Why the item is in the list.</summary>
    public SuggestionSource Source { get; }

    /// <summary>
    /// The probability (0..1] that the policy puts this item in this slot given the same state. 1 for a deterministic choice.
    /// </summary>
    public double Propensity { get; }

    /// <inheritdoc />
    public bool Equals(Suggestion other) =>
        string.Equals(ItemId, other.ItemId, StringComparison.Ordinal) && Score.Equals(other.Score)
        && Source == other.Source && Propensity.Equals(other.Propensity);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Suggestion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ItemId, Score, Source, Propensity);

    /// <inheritdoc />
    public override string ToString() => $"{ItemId} {Score:0.0000} {Source} p={Propensity:0.###}";
}
