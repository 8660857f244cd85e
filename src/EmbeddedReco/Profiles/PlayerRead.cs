namespace EmbeddedReco.Profiles;

/// <summary>What <see cref="UserState.ReadForSuggest"/> copied of a player: counts, and how much of each buffer it filled.</summary>
internal readonly struct PlayerRead
{
    public PlayerRead(long interactions, long positives, bool hasProfile, int historyCount, int excludedCount)
    {
        Interactions = interactions;
        Positives = positives;
        HasProfile = hasProfile;
        HistoryCount = historyCount;
        ExcludedCount = excludedCount;
    }

    /// <summary>Every interaction of the player.</summary>
    public long Interactions { get; }

    /// <summary>The player's positive interactions.</summary>
    public long Positives { get; }

    /// <summary>Whether the profile vector was copied (the player has a positive interaction).</summary>
    public bool HasProfile { get; }

    /// <summary>History entries written.</summary>
    public int HistoryCount { get; }

    /// <summary>Excluded rows written.</summary>
    public int ExcludedCount { get; }
}
