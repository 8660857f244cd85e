using System;

namespace EmbeddedReco;

/// <summary>
/// One thing a player did with an item, passed to <see cref="RecoEngine.Record(in Interaction)"/>.
/// A value type, so recording from a game loop allocates nothing.
/// </summary>
public readonly struct Interaction : IEquatable<Interaction>
{
    /// <summary>
    /// The largest <see cref="Value"/> of a <see cref="InteractionKind.Play"/>: 604,800 seconds (seven days). Report longer sessions
    /// as several interactions; the profile weight of one play is capped by <see cref="EngagementWeights.PlayCap"/> anyway.
    /// </summary>
    public const double MaxPlaySeconds = 7 * 24 * 60 * 60;

    /// <summary>
    /// The largest <see cref="Value"/> of a <see cref="InteractionKind.Rating"/>: 1000 stars, room for any rating scale
    /// (5 stars, 10 points, 100 percent) while keeping every profile weight finite.
    /// </summary>
    public const double MaxRatingStars = 1000;

    /// <summary>Creates an interaction.</summary>
    /// <param name="userId">The player's id (non-empty, well-formed UTF-16, at most <see cref="RecoEngineOptions.MaxIdBytes"/> UTF-8 bytes).</param>
    /// <param name="itemId">The item's id.</param>
    /// <param name="kind">What the player did.</param>
    /// <param name="value">Seconds for <see cref="InteractionKind.Play"/> (0 to <see cref="MaxPlaySeconds"/>), stars for
    /// <see cref="InteractionKind.Rating"/> (0 to <see cref="MaxRatingStars"/>); ignored otherwise (but logged, so it must be finite). Default 1.</param>
    /// <param name="timestamp">When it happened; null (the default) means the engine's clock at the time of <c>Record</c>.</param>
    public Interaction(string userId, string itemId, InteractionKind kind, double value = 1, DateTimeOffset? timestamp = null)
    {
        UserId = userId;
        ItemId = itemId;
        Kind = kind;
        Value = value;
        Timestamp = timestamp;
    }

    /// <summary>The player's id.</summary>
    public string UserId { get; }

    /// <summary>The item's id.</summary>
    public string ItemId { get; }

    /// <summary>What the player did.</summary>
    public InteractionKind Kind { get; }

    /// <summary>Seconds for <see cref="InteractionKind.Play"/>, stars for <see cref="InteractionKind.Rating"/>; ignored for other kinds.</summary>
    public double Value { get; }

    /// <summary>When it happened; null means "now" by the engine's clock.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <inheritdoc />
    public bool Equals(Interaction other) =>
        string.Equals(UserId, other.UserId, StringComparison.Ordinal)
        && string.Equals(ItemId, other.ItemId, StringComparison.Ordinal)
        && Kind == other.Kind && Value.Equals(other.Value) && Timestamp.Equals(other.Timestamp);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Interaction other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(UserId, ItemId, Kind, Value, Timestamp);

    /// <inheritdoc />
    public override string ToString() => $"{UserId} {Kind} {ItemId} ({Value})";
}
