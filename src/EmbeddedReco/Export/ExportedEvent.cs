namespace EmbeddedReco.Export;

/// <summary>One row of the interaction log as exported: its id (monotonic, given when recorded), the player (or pseudonym), the item, kind, value and UTC ticks.</summary>
internal readonly struct ExportedEvent
{
    public ExportedEvent(long id, string userId, string itemId, InteractionKind kind, double value, long ticks)
    {
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
}
