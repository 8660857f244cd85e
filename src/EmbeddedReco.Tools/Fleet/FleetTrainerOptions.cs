using System;
using System.Threading;

namespace EmbeddedReco.Fleet;

/// <summary>How the fleet trainer turns events into training weights.</summary>
public enum FleetWeighting
{
    /// <summary>
    /// 1 for every (player, item) with at least one click, play, purchase, like or rating, whatever its value: the offline
    /// evaluation's protocol (every rated item is relevant). The default.
    /// </summary>
    Binary = 0,

    /// <summary>
    /// The sum of <see cref="EngagementWeights"/> over the pair's events (impressions, skips and dislikes count negatively), pairs
    /// with a positive sum, scaled to a mean of 1: the engine's <see cref="RecoEngine.Train"/> without time decay.
    /// </summary>
    Engagement = 1,
}

/// <summary>Settings of <see cref="FleetTrainer"/>. A plain class: set what you need; validated once per training.</summary>
public sealed class FleetTrainerOptions
{
    /// <summary>The model settings (algorithm, EASE lambda, kNN neighbours, minimum support). Default: <see cref="CollaborativeOptions"/>'s defaults.</summary>
    public CollaborativeOptions Collaborative { get; set; } = new CollaborativeOptions();

    /// <summary>How events become weights. Default <see cref="FleetWeighting.Binary"/>.</summary>
    public FleetWeighting Weighting { get; set; } = FleetWeighting.Binary;

    /// <summary>The weights of event kinds, for <see cref="FleetWeighting.Engagement"/> and for the items' popularity. Default: the engine's defaults.</summary>
    public EngagementWeights EngagementWeights { get; set; } = new EngagementWeights();

    /// <summary>The half-life of the popularity shipped in the snapshot (as the engine's <see cref="RecoEngineOptions.PopularityHalfLife"/>). Default 7 days; <see cref="Timeout.InfiniteTimeSpan"/> = no decay.</summary>
    public TimeSpan PopularityHalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Whether the snapshot carries the fleet's popularity counters. Default true. False ships the catalog and the model only:
    /// devices keep their own counters on load.
    /// </summary>
    public bool IncludePopularity { get; set; } = true;

    /// <summary>Worker threads for reading files and accumulating the Gram matrix. Default 0 = <see cref="Environment.ProcessorCount"/>.</summary>
    public int Workers { get; set; }

    /// <summary>
    /// How many temporary shard files events are partitioned into by player (a player's events may come from many files; each
    /// shard holds whole players, so only one shard's pairs sit in memory at a time). Default 32; 1 to 4096.
    /// </summary>
    public int Shards { get; set; } = 32;

    /// <summary>The folder for the shard files (deleted afterwards). Default null = the system's temporary folder.</summary>
    public string? TempFolder { get; set; }

    internal int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    internal void Validate()
    {
        if (Collaborative is null)
        {
            throw new ArgumentNullException(nameof(Collaborative), "FleetTrainerOptions.Collaborative must not be null.");
        }

        Collaborative.Validate();
        if (EngagementWeights is null)
        {
            throw new ArgumentNullException(nameof(EngagementWeights), "FleetTrainerOptions.EngagementWeights must not be null.");
        }

        if (Weighting != FleetWeighting.Binary && Weighting != FleetWeighting.Engagement)
        {
            throw new ArgumentOutOfRangeException(nameof(Weighting), Weighting, "FleetTrainerOptions.Weighting is not defined.");
        }

        if (Workers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "FleetTrainerOptions.Workers must be 0 (all cores) or more.");
        }

        if (Shards < 1 || Shards > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(Shards), Shards, "FleetTrainerOptions.Shards must be between 1 and 4096.");
        }

        if (PopularityHalfLife != Timeout.InfiniteTimeSpan && PopularityHalfLife <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PopularityHalfLife), PopularityHalfLife, "FleetTrainerOptions.PopularityHalfLife must be positive or infinite.");
        }
    }
}
