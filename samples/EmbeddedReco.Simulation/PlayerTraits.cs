namespace EmbeddedReco.Simulation;

/// <summary>
/// The knobs of the player model, shared by a population. Defaults are tuned so that, over about a hundred shop visits, a
/// player who is always shown the same kind of item gets visibly satiated and bored. Every value documents its default.
/// </summary>
public sealed class PlayerTraits
{
    /// <summary>Satiation added on a genre axis per play, times the squared share of that axis in the item. Default 0.12.</summary>
    public double SatiationPerPlay { get; set; } = 0.12;

    /// <summary>Fraction of satiation kept from one visit to the next (the rest wears off). Default 0.85.</summary>
    public double SatiationRetention { get; set; } = 0.85;

    /// <summary>Largest fraction of appeal satiation can remove. Default 0.9.</summary>
    public double MaxSatiation { get; set; } = 0.9;

    /// <summary>Appeal is divided by (1 + this x times the item was played before). Default 0.7.</summary>
    public double FamiliarityPenalty { get; set; } = 0.7;

    /// <summary>The most novelty adds to appeal (for a player with novelty seeking 1 and an item unlike their recent plays). Default 0.3.</summary>
    public double NoveltyBonus { get; set; } = 0.3;

    /// <summary>Weight of boredom kept per visit: boredom = r x boredom + (1 - r) x (1 - satisfaction). Default 0.9.</summary>
    public double BoredomRetention { get; set; } = 0.9;

    /// <summary>Visits before a player may churn. Default 10.</summary>
    public int MinVisitsBeforeChurn { get; set; } = 10;

    /// <summary>Satisfaction of a visit without a play, as a fraction of the best appeal on the shelf. Default 0.5.</summary>
    public double BrowsingSatisfaction { get; set; } = 0.5;

    /// <summary>The highest click probability of a top-slot item. Default 0.6.</summary>
    public double MaxClickProbability { get; set; } = 0.6;

    /// <summary>Position bias: slot k is looked at with probability 1 / (1 + this x k). Default 0.25.</summary>
    public double PositionDecay { get; set; } = 0.25;

    /// <summary>Seconds of play of an item with appeal 1 (before noise). Default 900 (15 minutes).</summary>
    public double PlaySecondsAtFullAppeal { get; set; } = 900;

    /// <summary>
    /// The share of a player's taste that is about items' hidden groups (<see cref="GameItem.HiddenGroup"/>) rather than their
    /// genres, 0..1: appeal = (1 - w) x cosine(taste, genres) + w x affinity(hidden group). Above 0, part of what a player likes
    /// cannot be learned from item features, only from which items the same players engage with (a collaborative model).
    /// Default 0 (every taste is visible in the genre features; the game-loop demo's setting).
    /// </summary>
    public double HiddenTasteWeight { get; set; }

    /// <summary>Purchase probability of a premium item with appeal 1 after a click. Default 0.3.</summary>
    public double PurchaseProbability { get; set; } = 0.3;
}
