using System;

namespace EmbeddedReco;

/// <summary>
/// The engine's default policy: how the ranked candidates become the returned list (diversity, anti-repeat, exploration).
/// Per-call overrides live in <see cref="SuggestOptions"/>. See docs/policy.md for the algorithm and the propensity definition.
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>Probability that a slot is filled by an exploration pick instead of the greedy one. Default 0.03 (chosen by measurement, docs/policy.md); 0..1.</summary>
    public double Epsilon { get; set; } = 0.03;

    /// <summary>
    /// Optional per-player decay of epsilon as the player's history grows: epsilon_user = max(<see cref="MinEpsilon"/>,
    /// Epsilon x D / (D + n)), where D is this value and n the player's positive interactions. Default 0 = no decay.
    /// </summary>
    public int EpsilonDecayInteractions { get; set; }

    /// <summary>Floor of the decayed epsilon. Default 0.01; 0..1.</summary>
    public double MinEpsilon { get; set; } = 0.01;

    /// <summary>The MMR lambda: 1 = pure relevance, 0 = pure novelty against the items already in the list. Default 0.9 (chosen by measurement, docs/policy.md).</summary>
    public double Diversity { get; set; } = 0.9;

    /// <summary>
    /// Greedy candidates considered by MMR, as a multiple of the requested count. Default 20 (200 candidates for a list of 10): MMR can
    /// only diversify within its candidates, so they must reach beyond the player's favourite cluster. 1 to 100.
    /// </summary>
    public int CandidateMultiplier { get; set; } = 20;

    /// <summary>At most this many items with the same tag in one list (relaxed only when the list could not be filled otherwise). Default null = no cap.</summary>
    public int? MaxPerTag { get; set; }

    /// <summary>Impressions without engagement after which an item is put on cooldown for the player. Default 3; 0 = no cooldown.</summary>
    public int CooldownImpressions { get; set; } = 3;

    /// <summary>How long an ignored item is not suggested to that player. Default 1 day.</summary>
    public TimeSpan CooldownPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How many of the player's most recent lists demote their items. Default 2; 0 = off.</summary>
    public int RecentLists { get; set; } = 2;

    /// <summary>Subtracted from the blended score of an item that was in one of the player's recent lists. Default 0.3.</summary>
    public double RecentListPenalty { get; set; } = 0.3;

    /// <summary>
    /// Record an impression for every item a <c>Suggest</c> returns (with <see cref="SuggestOptions.MarkShown"/>), as one batch under
    /// the engine's mutation lock. While the store is faulted (a storage failure not yet resolved by <see cref="RecoEngine.Flush"/>)
    /// the list is still returned and its impressions are skipped (logged once per failure). Default false: the host records impressions.
    /// </summary>
    public bool RecordShownAsImpressions { get; set; }

    /// <summary>An item with fewer impressions than this (over all players) counts as new and gets the exploration boost. Default 20.</summary>
    public int NewItemImpressions { get; set; } = 20;

    /// <summary>Extra exploration weight of a new item: its weight is multiplied by (1 + this). Default 3.</summary>
    public double NewItemBoost { get; set; } = 3.0;

    /// <summary>Extra exploration weight of an item the player has never seen or touched: multiplied by (1 + this). Default 1.</summary>
    public double UnseenBoost { get; set; } = 1.0;

    /// <summary>How many relevance-ranked candidates beyond the greedy list, plus how many new items, form the exploration pool. Default 50 each.</summary>
    public int ExplorationPoolSize { get; set; } = 50;

    /// <summary>Seed of the engine's random generator (per-call seeds are derived from it and a call counter). Default 0.</summary>
    public int Seed { get; set; }

    internal PolicyOptions Clone() => (PolicyOptions)MemberwiseClone();

    internal void Validate()
    {
        CheckProbability(Epsilon, "RecoEngineOptions.Policy.Epsilon");
        CheckProbability(MinEpsilon, "RecoEngineOptions.Policy.MinEpsilon");
        CheckProbability(Diversity, "RecoEngineOptions.Policy.Diversity");
        Range(EpsilonDecayInteractions, 0, int.MaxValue, "EpsilonDecayInteractions");
        Range(CandidateMultiplier, 1, 100, "CandidateMultiplier");
        if (MaxPerTag is int m && m < 1)
        {
            throw new ArgumentOutOfRangeException("options.Policy.MaxPerTag", m, "RecoEngineOptions.Policy.MaxPerTag must be at least 1, or null for no cap.");
        }

        Range(CooldownImpressions, 0, 1_000_000, "CooldownImpressions");
        if (CooldownPeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options.Policy.CooldownPeriod", CooldownPeriod, "RecoEngineOptions.Policy.CooldownPeriod must not be negative.");
        }

        Range(RecentLists, 0, 16, "RecentLists");
        NonNegative(RecentListPenalty, "RecentListPenalty");
        Range(NewItemImpressions, 0, int.MaxValue, "NewItemImpressions");
        NonNegative(NewItemBoost, "NewItemBoost");
        NonNegative(UnseenBoost, "UnseenBoost");
        Range(ExplorationPoolSize, 1, 10_000, "ExplorationPoolSize");
    }

    internal static void CheckProbability(double? value, string name)
    {
        if (value is double v && (double.IsNaN(v) || v < 0 || v > 1))
        {
            throw new ArgumentOutOfRangeException(name.Replace("RecoEngineOptions.", "options."), v, $"{name} must be between 0 and 1.");
        }
    }

    private static void Range(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException("options.Policy." + name, value, $"RecoEngineOptions.Policy.{name} must be between {min} and {max}.");
        }
    }

    private static void NonNegative(double value, string name)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException("options.Policy." + name, value, $"RecoEngineOptions.Policy.{name} must be a finite number >= 0.");
        }
    }
}
