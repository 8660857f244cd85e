using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>
/// A read-only copy of what the engine knows about a player, returned by <see cref="RecoEngine.GetProfile"/>.
/// Later interactions do not change an existing copy.
/// </summary>
public sealed class UserProfile
{
    internal UserProfile(
        string userId,
        float[] vector,
        long interactionCount,
        long positiveCount,
        DateTimeOffset? lastInteraction,
        IReadOnlyCollection<string> consumedItems)
    {
        UserId = userId;
        Vector = vector;
        InteractionCount = interactionCount;
        PositiveInteractionCount = positiveCount;
        LastInteraction = lastInteraction;
        ConsumedItems = consumedItems;
    }

    /// <summary>The player's id.</summary>
    public string UserId { get; }

    /// <summary>
    /// The taste vector in item-feature space: the engagement-weighted sum of the item vectors the player interacted with,
    /// decayed to the time of <see cref="LastInteraction"/> with <see cref="RecoEngineOptions.ProfileHalfLife"/>.
    /// </summary>
    public IReadOnlyList<float> Vector { get; }

    /// <summary>How many interactions were recorded for the player (all kinds).</summary>
    public long InteractionCount { get; }

    /// <summary>How many of them had a positive engagement weight. Zero means the player is still on the cold-start path.</summary>
    public long PositiveInteractionCount { get; }

    /// <summary>The time of the latest interaction, or null when none was recorded.</summary>
    public DateTimeOffset? LastInteraction { get; }

    /// <summary>Ids of items the player consumed (see <see cref="RecoEngineOptions.ConsumedKinds"/>); not suggested again by default.</summary>
    public IReadOnlyCollection<string> ConsumedItems { get; }
}
