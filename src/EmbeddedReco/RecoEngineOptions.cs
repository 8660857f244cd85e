using System;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmbeddedReco;

/// <summary>
/// Settings for <see cref="RecoEngine.Open"/>. A plain class: set what you need, leave the rest at the documented defaults.
/// <see cref="RecoEngine.Open"/> validates it once and copies it, so later changes to this object do not affect an open engine.
/// </summary>
public sealed class RecoEngineOptions
{
    /// <summary>The in-memory database path: nothing is written to disk.</summary>
    public const string InMemory = ":memory:";

    /// <summary>
    /// Path of the LiteDB file that holds items, profiles and the interaction log; created when missing (its folder must exist).
    /// <see cref="InMemory"/> (":memory:") keeps everything in memory. Required: no default.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>Length of every item feature vector. Required: 1 to 4096, no default. Must match an existing database.</summary>
    public int Dimensions { get; set; }

    /// <summary>How many suggestions <see cref="RecoEngine.Suggest(string)"/> returns. Default 10; 1 to 1000.</summary>
    public int DefaultCount { get; set; } = 10;

    /// <summary>
    /// Half-life of a player's taste: the weight of an interaction halves after this much interaction time has passed
    /// (measured between interaction timestamps, not by wall clock). Default 30 days. <see cref="Timeout.InfiniteTimeSpan"/> = no decay.
    /// </summary>
    public TimeSpan ProfileHalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Half-life of item popularity (the cold-start ranking). Default 7 days. <see cref="Timeout.InfiniteTimeSpan"/> = no decay.</summary>
    public TimeSpan PopularityHalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The weight of each interaction kind, each within +-<see cref="EngagementWeights.MaxWeight"/> (1000). Default: see <see cref="EngagementWeights"/>.</summary>
    public EngagementWeights EngagementWeights { get; set; } = new EngagementWeights();

    /// <summary>
    /// Interaction kinds after which an item counts as consumed by the player and is not suggested to them again.
    /// Default: <see cref="InteractionKind.Purchase"/> only. Empty = never exclude.
    /// </summary>
    public ISet<InteractionKind> ConsumedKinds { get; set; } = new HashSet<InteractionKind> { InteractionKind.Purchase };

    /// <summary>The default exploration and diversity policy (epsilon-greedy, MMR, cooldowns). Default: see <see cref="PolicyOptions"/>.</summary>
    public PolicyOptions Policy { get; set; } = new PolicyOptions();

    /// <summary>The scorers blended by <c>Suggest</c> and their weights. Default: content (1) and popularity (0.1); add plugins here.</summary>
    public ScorerCollection Scorers { get; set; } = new ScorerCollection();

    /// <summary>How <see cref="RecoEngine.Train"/> builds the collaborative model (EASE up to 5,000 items, item-kNN above). Default: see <see cref="CollaborativeOptions"/>.</summary>
    public CollaborativeOptions Collaborative { get; set; } = new CollaborativeOptions();

    /// <summary>Retrain the collaborative model in the background after this many new interactions. Default 0 = only when the host calls Train.</summary>
    public int RetrainAfterInteractions { get; set; }

    /// <summary>
    /// History size (items known to the model) at which the collaborative scorer's confidence reaches one half: its contribution is
    /// scaled by n / (n + this). Default 5; at least 0 (0 = full weight at once).
    /// </summary>
    public double CollaborativeConfidence { get; set; } = 5;

    /// <summary>
    /// An A/B experiment: each player is assigned a variant by a stable hash of the experiment name and their id, <c>Suggest</c> applies
    /// the variant's settings where the call leaves them unset and tags suggestions with <see cref="Suggestion.Variant"/>, and
    /// engagement is reported per variant (<see cref="RecoEngine.GetExperimentReport"/>). Variant names are stored as keys: each must be
    /// at most <see cref="MaxIdBytes"/> UTF-8 bytes (checked by <see cref="RecoEngine.Open"/>). Default null = no experiment.
    /// </summary>
    public Experiment? Experiment { get; set; }

    /// <summary>Engagement metrics start a new session after a pause longer than this. Default 30 minutes.</summary>
    public TimeSpan SessionGap { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Longest allowed user or item id, tag and experiment variant name, in UTF-8 bytes. Default 256; 1 to 1000 (LiteDB index keys
    /// must stay under 1023 bytes). Ids, tags and names must also be well-formed UTF-16 (no unpaired surrogate).
    /// </summary>
    public int MaxIdBytes { get; set; } = 256;

    /// <summary>
    /// How often the writer thread checkpoints the database (syncs the log into the data file and to disk) without an explicit
    /// <see cref="RecoEngine.Flush"/>. Default 30 seconds; at least 100 ms. <see cref="Timeout.InfiniteTimeSpan"/> = only on Flush and Dispose.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most writes queued for the writer thread (about one per <see cref="RecoEngine.Record"/>: a player's profile, per-item
    /// state and engagement and an item's counters are coalesced, written once per commit however often they changed). Past it an
    /// interaction is refused, never waited for: <see cref="RecoEngine.Record"/> throws <see cref="RecoErrorCode.StorageQueueFull"/>,
    /// <see cref="RecoEngine.TryRecord"/> returns false, and a <c>Suggest</c> that records its list as impressions skips them.
    /// This bounds how far the file can lag behind memory (so how much a crash of the process can take) and the queue's memory
    /// (about 64 bytes a write), under a flood that outruns the disk; at game rates the queue stays near empty
    /// (<see cref="RecoEngine.PendingWrites"/>). Bulk calls (<see cref="RecoEngine.UpsertItems"/>, <see cref="RecoEngine.ForgetUser"/>,
    /// a snapshot load) are never refused by it. Default 250,000 (about 16 MB at the bound); at least 100.
    /// </summary>
    public int MaxPendingWrites { get; set; } = 250_000;

    /// <summary>
    /// The most interaction log rows kept on the device (the log only feeds <see cref="RecoEngine.ExportEvents"/>): at each checkpoint
    /// the oldest rows beyond this many are deleted, exported or not, so a long-lived install that never uploads stays bounded.
    /// Default 0 = no cap (rows stay until <see cref="RecoEngine.ConfirmExported"/> or <see cref="RecoEngine.ForgetUser"/>).
    /// </summary>
    public long MaxInteractionLogRows { get; set; }

    /// <summary>
    /// How the catalog is scanned for content similarity: <see cref="ScoringPrecision.Int8"/> (default, chosen by measurement in
    /// docs/PERFORMANCE.md: 2.2-3.2x less time per call than float32 at 100k-1M items, lists identical in the exactness tests,
    /// candidates rescored in float32) or <see cref="ScoringPrecision.Float32"/> (every row in float32, bit-identical scores to
    /// earlier versions, 4x the memory traffic, no extra memory). A catalog under 4,096 items is scanned in float32 either way: it
    /// fits in the caches, and rescoring the int8 candidates would cost more than int8 saves.
    /// </summary>
    public ScoringPrecision Precision { get; set; } = ScoringPrecision.Int8;

    /// <summary>
    /// Compile the <c>Suggest</c> path in the background as soon as the engine has a catalog (at open, after <c>UpsertItems</c> or a
    /// snapshot load), on a lowered thread of its own, so that the first real <c>Suggest</c> of the process does not pay the JIT
    /// (about 5 ms instead of 87 ms at 10k items on the reference machine: docs/PERFORMANCE.md). It runs
    /// <see cref="RecoEngine.Warmup"/>'s seeded previews, which change no state, once per process and scan path (rounds 120 ms apart
    /// for at most about 1.5 s, asleep between them) with every host scorer weighted 0, so no host code runs on its thread.
    /// <see cref="RecoEngine.Warmup"/> on a loading screen also compiles the host scorers' path and sizes the calling thread's
    /// working memory. Default true.
    /// </summary>
    public bool WarmupInBackground { get; set; } = true;

    /// <summary>The clock used for interactions without a timestamp and for decay at suggestion time. Default: <see cref="DateTimeOffset.UtcNow"/>.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = static () => DateTimeOffset.UtcNow;

    /// <summary>Where the engine logs (open, load, storage faults; nothing per item or per call). Default <see cref="NullLoggerFactory.Instance"/>.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    internal RecoEngineOptions ValidateAndCopy()
    {
        ValidateBasics();
        ValidateComponents();
        ValidateLimits();
        ValidateExperiment();
        ValidateRuntime();

        var copy = (RecoEngineOptions)MemberwiseClone();
        copy.EngagementWeights = EngagementWeights.Clone();
        copy.ConsumedKinds = new HashSet<InteractionKind>(ConsumedKinds);
        copy.Policy = Policy.Clone();
        copy.Scorers = Scorers.Clone();
        copy.Collaborative = Collaborative.Clone();
        return copy;
    }

    /// <summary>Checks the database path, dimensions, default count and the two half-lives.</summary>
    private void ValidateBasics()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException(
                "RecoEngineOptions.DatabasePath is required: a file path such as \"reco.db\", or \":memory:\" for no file.",
                "options." + nameof(DatabasePath));
        }

        // At most 4096 x 4 bytes = 16 KB per stored vector: an item or profile document stays far below LiteDB's ~16 MB limit.
        if (Dimensions < 1 || Dimensions > 4096)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(Dimensions), Dimensions, "RecoEngineOptions.Dimensions must be between 1 and 4096.");
        }

        if (DefaultCount < 1 || DefaultCount > 1000)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(DefaultCount), DefaultCount, "RecoEngineOptions.DefaultCount must be between 1 and 1000.");
        }

        CheckHalfLife(ProfileHalfLife, nameof(ProfileHalfLife));
        CheckHalfLife(PopularityHalfLife, nameof(PopularityHalfLife));
    }

    /// <summary>Checks that the option objects are present and lets each validate itself.</summary>
    private void ValidateComponents()
    {
        if (EngagementWeights is null)
        {
            throw new ArgumentNullException("options." + nameof(EngagementWeights), "RecoEngineOptions.EngagementWeights must not be null.");
        }

        EngagementWeights.Validate();

        if (ConsumedKinds is null)
        {
            throw new ArgumentNullException("options." + nameof(ConsumedKinds), "RecoEngineOptions.ConsumedKinds must not be null (use an empty set).");
        }

        if (Policy is null)
        {
            throw new ArgumentNullException("options." + nameof(Policy), "RecoEngineOptions.Policy must not be null.");
        }

        Policy.Validate();

        if (Scorers is null)
        {
            throw new ArgumentNullException("options." + nameof(Scorers), "RecoEngineOptions.Scorers must not be null.");
        }

        Scorers.Validate();

        if (Collaborative is null)
        {
            throw new ArgumentNullException("options." + nameof(Collaborative), "RecoEngineOptions.Collaborative must not be null.");
        }

        Collaborative.Validate();
    }

    /// <summary>Checks the retrain threshold, collaborative confidence, session gap and id length limit.</summary>
    private void ValidateLimits()
    {
        if (RetrainAfterInteractions < 0)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(RetrainAfterInteractions), RetrainAfterInteractions, "RecoEngineOptions.RetrainAfterInteractions must be zero (off) or more.");
        }

        if (double.IsNaN(CollaborativeConfidence) || double.IsInfinity(CollaborativeConfidence) || CollaborativeConfidence < 0)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(CollaborativeConfidence), CollaborativeConfidence, "RecoEngineOptions.CollaborativeConfidence must be a finite number >= 0.");
        }

        if (SessionGap <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(SessionGap), SessionGap, "RecoEngineOptions.SessionGap must be positive.");
        }

        // LiteDB 5 rejects index keys over 1023 bytes (a string key is stored as type byte + length byte + UTF-8 bytes); ids are
        // keys (items, users, the log's "u" index) and variant names are keys behind a 2-byte prefix: 1000 leaves room for both.
        if (MaxIdBytes < 1 || MaxIdBytes > 1000)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(MaxIdBytes), MaxIdBytes, "RecoEngineOptions.MaxIdBytes must be between 1 and 1000.");
        }
    }

    /// <summary>Checks that every experiment variant name is a valid key under <see cref="MaxIdBytes"/>.</summary>
    private void ValidateExperiment()
    {
        if (Experiment is not null)
        {
            // Engagement is stored per variant, keyed by the variant's name: the same limit as ids.
            foreach (var variant in Experiment.Variants)
            {
                var problem = Guard.Inspect(variant.Name, MaxIdBytes, out int position);
                if (problem != TextProblem.None)
                {
                    throw new ArgumentException(
                        Guard.Describe(problem, $"RecoEngineOptions.Experiment: the name of variant '{variant.Name}'", variant.Name, MaxIdBytes, position, "RecoEngineOptions.MaxIdBytes"),
                        "options." + nameof(Experiment));
                }
            }
        }
    }

    /// <summary>Checks the checkpoint interval, the write queue bound, the clock and the logger factory.</summary>
    private void ValidateRuntime()
    {
        if (CheckpointInterval != Timeout.InfiniteTimeSpan && CheckpointInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException("options." + nameof(CheckpointInterval), CheckpointInterval, "RecoEngineOptions.CheckpointInterval must be at least 100 ms, or Timeout.InfiniteTimeSpan.");
        }

        if (Precision != ScoringPrecision.Int8 && Precision != ScoringPrecision.Float32)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(Precision), Precision, "RecoEngineOptions.Precision must be ScoringPrecision.Int8 or ScoringPrecision.Float32.");
        }

        if (MaxPendingWrites < 100)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(MaxPendingWrites), MaxPendingWrites, "RecoEngineOptions.MaxPendingWrites must be at least 100.");
        }

        if (MaxInteractionLogRows < 0)
        {
            throw new ArgumentOutOfRangeException("options." + nameof(MaxInteractionLogRows), MaxInteractionLogRows, "RecoEngineOptions.MaxInteractionLogRows must be zero (no cap) or more.");
        }

        if (Clock is null)
        {
            throw new ArgumentNullException("options." + nameof(Clock), "RecoEngineOptions.Clock must not be null.");
        }

        if (LoggerFactory is null)
        {
            throw new ArgumentNullException("options." + nameof(LoggerFactory), "RecoEngineOptions.LoggerFactory must not be null (use NullLoggerFactory.Instance).");
        }
    }

    internal bool IsInMemory => string.Equals(DatabasePath, InMemory, StringComparison.Ordinal);

    private static void CheckHalfLife(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options." + name, value, $"RecoEngineOptions.{name} must be positive, or Timeout.InfiniteTimeSpan for no decay.");
        }
    }

}
