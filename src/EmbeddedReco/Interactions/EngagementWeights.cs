using System;

namespace EmbeddedReco;

/// <summary>
/// How much each kind of interaction says about a player's taste. A recorded interaction adds
/// <c>weight x item vector</c> to the player's profile and, when the weight is positive, adds the weight to the
/// item's popularity. The defaults follow the effort and commitment behind each signal:
/// a purchase (money) outweighs a like (explicit taste), which outweighs play time (revealed, but capped so one long
/// session does not dominate), which outweighs a click (curiosity). An impression without engagement is a weak
/// negative signal; a dislike is a strong one and a skip a mild one.
/// </summary>
public sealed class EngagementWeights
{
    /// <summary>
    /// The largest magnitude of each setting (weights, <see cref="PlayCap"/>, <see cref="RatingPerStar"/> and
    /// <see cref="RatingNeutral"/>): 1000. Weights are relative, so this leaves ample room, and it keeps the weight of any
    /// interaction (and so every profile) finite. Checked by <see cref="RecoEngine.Open"/>.
    /// </summary>
    public const double MaxWeight = 1000;

    /// <summary>Weight of an <see cref="InteractionKind.Impression"/>. Default -0.05 (shown, not taken: slightly negative).</summary>
    public double Impression { get; set; } = -0.05;

    /// <summary>Weight of a <see cref="InteractionKind.Click"/>. Default 1.</summary>
    public double Click { get; set; } = 1.0;

    /// <summary>Weight per minute of <see cref="InteractionKind.Play"/>. Default 0.2 (ten minutes = 2).</summary>
    public double PlayPerMinute { get; set; } = 0.2;

    /// <summary>Upper bound of the weight of one <see cref="InteractionKind.Play"/> interaction. Default 2.5 (below a like).</summary>
    public double PlayCap { get; set; } = 2.5;

    /// <summary>Weight of a <see cref="InteractionKind.Purchase"/>. Default 5.</summary>
    public double Purchase { get; set; } = 5.0;

    /// <summary>Weight of a <see cref="InteractionKind.Like"/>. Default 3.</summary>
    public double Like { get; set; } = 3.0;

    /// <summary>Weight of a <see cref="InteractionKind.Dislike"/>. Default -3.</summary>
    public double Dislike { get; set; } = -3.0;

    /// <summary>Weight of a <see cref="InteractionKind.Skip"/>. Default -1.</summary>
    public double Skip { get; set; } = -1.0;

    /// <summary>The star value of a <see cref="InteractionKind.Rating"/> that carries no signal. Default 3 (on a 1-5 scale).</summary>
    public double RatingNeutral { get; set; } = 3.0;

    /// <summary>Weight per star above (or below) <see cref="RatingNeutral"/>. Default 1 (five stars = +2, one star = -2).</summary>
    public double RatingPerStar { get; set; } = 1.0;

    /// <summary>The weight of one interaction of the given kind and value under these settings.</summary>
    /// <param name="kind">The interaction kind.</param>
    /// <param name="value">Seconds for play, clamped to 0 to <see cref="Interaction.MaxPlaySeconds"/>; stars for rating, clamped to
    /// 0 to <see cref="Interaction.MaxRatingStars"/>; ignored otherwise.</param>
    /// <returns>The engagement weight (may be negative).</returns>
    public double WeightOf(InteractionKind kind, double value) => kind switch
    {
        InteractionKind.Impression => Impression,
        InteractionKind.Click => Click,
        InteractionKind.Play => Math.Min(PlayCap, Clamp(value, Interaction.MaxPlaySeconds) / 60.0 * PlayPerMinute),
        InteractionKind.Purchase => Purchase,
        InteractionKind.Like => Like,
        InteractionKind.Dislike => Dislike,
        InteractionKind.Skip => Skip,
        InteractionKind.Rating => (Clamp(value, Interaction.MaxRatingStars) - RatingNeutral) * RatingPerStar,
        _ => 0,
    };

    /// <summary>Returns a copy, so an engine is not affected by later changes to the options object.</summary>
    /// <returns>A copy of these weights.</returns>
    public EngagementWeights Clone() => (EngagementWeights)MemberwiseClone();

    internal void Validate()
    {
        Check(Impression, nameof(Impression));
        Check(Click, nameof(Click));
        Check(PlayPerMinute, nameof(PlayPerMinute));
        Check(PlayCap, nameof(PlayCap));
        Check(Purchase, nameof(Purchase));
        Check(Like, nameof(Like));
        Check(Dislike, nameof(Dislike));
        Check(Skip, nameof(Skip));
        Check(RatingNeutral, nameof(RatingNeutral));
        Check(RatingPerStar, nameof(RatingPerStar));
        if (PlayPerMinute < 0 || PlayCap < 0)
        {
            throw new ArgumentException("EngagementWeights.PlayPerMinute and PlayCap must be zero or more.", "options.EngagementWeights");
        }
    }

    /// <summary>A negative value counts as 0 and one above <paramref name="max"/> as <paramref name="max"/>; NaN stays NaN.</summary>
    private static double Clamp(double value, double max) => value > max ? max : value < 0 ? 0 : value;

    private static void Check(double value, string name)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentException($"EngagementWeights.{name} must be a finite number, not {value}.", "options.EngagementWeights");
        }

        if (Math.Abs(value) > MaxWeight)
        {
            throw new ArgumentOutOfRangeException(
                "options.EngagementWeights", value, $"EngagementWeights.{name} must be between -{MaxWeight} and {MaxWeight} (EngagementWeights.MaxWeight).");
        }
    }
}
