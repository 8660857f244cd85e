using EmbeddedReco.Storage;

namespace EmbeddedReco.Export;

/// <summary>One row of the interaction log as exported: its id (monotonic, given when recorded), the player (or pseudonym), the item, kind, value and UTC ticks.</summary>
internal readonly struct ExportedEvent
{
    public ExportedEvent(long id, string userId, string itemId, InteractionKind kind, double value, long ticks, in ShownContext shown = default)
    {
        Shown = shown;
        Id = id;
        UserId = userId;
        ItemId = itemId;
        Kind = kind;
        Value = value;
        Ticks = ticks;
    }

    public long Id { get; }

    public string UserId { get; }

    public string ItemId { get; }

    public InteractionKind Kind { get; }

    public double Value { get; }

    /// <summary><see cref="System.DateTimeOffset.UtcTicks"/> of the interaction.</summary>
    public long Ticks { get; }

    /// <summary>The optional policy fields as one value (see the properties below).</summary>
    public ShownContext Shown { get; }

    /// <summary>The player's experiment variant when the interaction was recorded, or null (no experiment, or an older row).</summary>
    public string? Variant => Shown.Variant;

    /// <summary>For an impression of a list the engine suggested: the slot's source; otherwise null.</summary>
    public SuggestionSource? Source => Shown.Source;

    /// <summary>For an impression of a list the engine suggested: the probability the policy gave the slot's pick; otherwise null.</summary>
    public double? Propensity => Shown.Propensity;
}
