namespace EmbeddedReco.Scoring;

/// <summary>
/// What a registered scorer is to the blend. Only the engine's own registrations carry a built-in role: a plugin is a plugin
/// whatever it is called (a plugin named "content" does not take part in the content/collaborative hand-over).
/// </summary>
internal enum ScorerRole
{
    /// <summary>A host or plugin scorer.</summary>
    Plugin,

    /// <summary>The built-in content scorer: its weight yields to the collaborative signal as a player's history grows.</summary>
    Content,

    /// <summary>The built-in collaborative scorer.</summary>
    Collaborative,

    /// <summary>The built-in popularity scorer: the fallback when no other scorer spoke.</summary>
    Popularity,
}
