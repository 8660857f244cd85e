using System;

namespace EmbeddedReco;

/// <summary>
/// A scorer: one signal of the hybrid ranking (content similarity, popularity, collaborative, or a plugin's live-ops boost).
/// The engine calls <see cref="Score"/> once per <c>Suggest</c> with every catalog item, blends the outputs of all scorers with
/// their weights after normalization (<see cref="ScoreNormalization"/>), and reports each scorer's contribution in
/// <see cref="Suggestion.Breakdown"/>.
/// </summary>
/// <remarks>
/// Rules (see docs/plugins.md):
/// <list type="bullet">
/// <item>Thread-safety: <see cref="Score"/> may be called concurrently from several threads. Keep no per-call state in fields.</item>
/// <item>Allocation and I/O: do neither in <see cref="Score"/>; it runs on the game's frame. Precompute in the constructor.</item>
/// <item>Outputs: write a finite value for every item. <see cref="ScorerContract.Exclude"/> removes an item from this call's
/// list (a gate). NaN or infinity is a fault: the scorer's output is dropped for that call.</item>
/// <item>Time: a call longer than the registration's time budget is a suspect (its results are kept); it is a fault, dropped for
/// that call, only when the next call is over budget too (<see cref="ScorerCollection.SlowCallConfirmations"/>), and a call during
/// which a garbage collection ran is excused. Repeated faults disable the scorer for <see cref="ScorerCollection.RecoveryPeriod"/>.</item>
/// <item>Never block, never throw on purpose, never mutate the context's data. A busy loop cannot be stopped (no sandbox in .NET).</item>
/// </list>
/// </remarks>
public interface IScorer
{
    /// <summary>A unique, stable name (used for weights, per-call overrides, logs and the breakdown).</summary>
    string Name { get; }

    /// <summary>Scores every catalog item for one player.</summary>
    /// <param name="context">The player, the catalog and the call (read-only).</param>
    /// <param name="scores">One slot per catalog row (<see cref="ScoringContext.ItemCount"/>); higher is better.</param>
    /// <returns>True when the scores were written; false to abstain for this call (e.g. no data for this player): the scorer then
    /// contributes nothing and its weight is not counted.</returns>
    bool Score(in ScoringContext context, Span<float> scores);
}

/// <summary>Contract constants shared by the engine and plugins.</summary>
public static class ScorerContract
{
    /// <summary>The version of the scorer contract; plugins declare the version they were built for with <see cref="EmbeddedRecoPluginAttribute"/>.</summary>
    public const int Version = 1;

    /// <summary>A score that removes the item from this call's list (a gate), e.g. an item above the player's level.</summary>
    public const float Exclude = float.MinValue;

    /// <summary>Name of the built-in content-similarity scorer (cosine of the player's profile and the item vector).</summary>
    public const string Content = "content";

    /// <summary>Name of the built-in popularity scorer (log of time-decayed engagement).</summary>
    public const string Popularity = "popularity";

    /// <summary>Name of the built-in collaborative scorer (the player's history against the model of <see cref="RecoEngine.Train"/>).</summary>
    public const string Collaborative = "collaborative";
}

/// <summary>How the pipeline maps a scorer's raw outputs before weighting.</summary>
public enum ScoreNormalization
{
    /// <summary>Min-max over this call's non-excluded items to 0..1 (all equal = all 0). The default: scorers on different scales blend fairly.</summary>
    MinMax = 0,

    /// <summary>Used as written: for scorers whose outputs are already meaningful on an absolute scale (a 0..1 boost, a penalty).</summary>
    None = 1,
}

/// <summary>Declares that an assembly is an EmbeddedReco plugin built for a scorer contract version.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class EmbeddedRecoPluginAttribute : Attribute
{
    /// <summary>Declares the contract version the plugin was built for.</summary>
    /// <param name="contractVersion">Normally <see cref="ScorerContract.Version"/>.</param>
    public EmbeddedRecoPluginAttribute(int contractVersion) => ContractVersion = contractVersion;

    /// <summary>The contract version the plugin was built for.</summary>
    public int ContractVersion { get; }
}

/// <summary>One scorer's part of a suggestion's score.</summary>
public readonly struct ScoreContribution : IEquatable<ScoreContribution>
{
    /// <summary>Creates a contribution.</summary>
    /// <param name="scorer">The scorer's name, or "policy:recent" for the recent-list penalty.</param>
    /// <param name="contribution">Weight x normalized score (may be negative).</param>
    public ScoreContribution(string scorer, float contribution)
    {
        Scorer = scorer;
        Contribution = contribution;
    }

    /// <summary>The scorer's name.</summary>
    public string Scorer { get; }

    /// <summary>Weight x normalized score; the contributions of a suggestion sum to its <see cref="Suggestion.Score"/>.</summary>
    public float Contribution { get; }

    /// <inheritdoc />
    public bool Equals(ScoreContribution other) => string.Equals(Scorer, other.Scorer, StringComparison.Ordinal) && Contribution.Equals(other.Contribution);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ScoreContribution other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Scorer, Contribution);

    /// <inheritdoc />
    public override string ToString() => $"{Scorer}={Contribution:0.0000}";
}

/// <summary>One item of a player's weighted history, as seen by scorers.</summary>
public readonly struct UserHistoryEntry
{
    internal UserHistoryEntry(string itemId, float weight, DateTimeOffset lastInteraction)
    {
        ItemId = itemId;
        Weight = weight;
        LastInteraction = lastInteraction;
    }

    /// <summary>The item's id.</summary>
    public string ItemId { get; }

    /// <summary>The sum of the player's engagement weights on the item, decayed to <see cref="LastInteraction"/> (may be negative).</summary>
    public float Weight { get; }

    /// <summary>When the player last interacted with the item.</summary>
    public DateTimeOffset LastInteraction { get; }
}
