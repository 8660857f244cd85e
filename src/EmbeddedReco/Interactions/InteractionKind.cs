namespace EmbeddedReco;

/// <summary>What a player did with an item. Each kind has a weight in <see cref="EngagementWeights"/>.</summary>
public enum InteractionKind
{
    /// <summary>The item was shown to the player. Value is ignored (counts as one impression).</summary>
    Impression = 0,

    /// <summary>The player clicked or opened the item. Value is ignored.</summary>
    Click = 1,

    /// <summary>The player played the item; <see cref="Interaction.Value"/> is the number of seconds played (0 to <see cref="Interaction.MaxPlaySeconds"/>, seven days).</summary>
    Play = 2,

    /// <summary>The player bought the item. By default a purchased item is consumed and not suggested again.</summary>
    Purchase = 3,

    /// <summary>The player liked or favourited the item. Value is ignored.</summary>
    Like = 4,

    /// <summary>The player disliked or hid the item. Value is ignored.</summary>
    Dislike = 5,

    /// <summary>The player skipped the item after it was offered. Value is ignored.</summary>
    Skip = 6,

    /// <summary>The player rated the item; <see cref="Interaction.Value"/> is the number of stars (0 to <see cref="Interaction.MaxRatingStars"/>, 1000).</summary>
    Rating = 7,
}
