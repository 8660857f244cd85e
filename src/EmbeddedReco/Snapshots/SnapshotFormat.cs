namespace EmbeddedReco.Snapshots;

/// <summary>Section and field names of the format-1 payload (a MessagePack map of named sections, each a map of named fields).</summary>
internal static class SnapshotFormat
{
    public const string EngineSection = "engine";
    public const string CatalogSection = "catalog";
    public const string PopularitySection = "popularity";
    public const string ProfilesSection = "profiles";
    public const string ModelSection = "model"; // format 1.1: the trained collaborative model

    public const string Algorithm = "algorithm";
    public const string Dense = "dense";
    public const string Start = "start";
    public const string Neighbours = "neighbours";
    public const string Similarities = "similarities";
    public const string Users = "users";
    public const string TrainedAtTicks = "trainedAtTicks";
    public const string DurationTicks = "durationTicks";

    public const string Dimensions = "dimensions";
    public const string ProfileHalfLifeTicks = "profileHalfLifeTicks";
    public const string PopularityHalfLifeTicks = "popularityHalfLifeTicks";
    public const string MaxIdBytes = "maxIdBytes";
    public const string Weights = "weights";
    public const string ConsumedKinds = "consumedKinds";

    public const string Count = "count";
    public const string Ids = "ids";
    public const string Vectors = "vectors";
    public const string Tags = "tags";
    public const string Rank = "rank"; // format 1.2, optional: ordinal rank of each item id (skipped by 1.0/1.1 readers)

    public const string Log2 = "log2";
    public const string Impressions = "impressions";
    public const string Engagements = "engagements";

    public const string LastTicks = "lastTicks";
    public const string Interactions = "interactions";
    public const string Positives = "positives";
    public const string Consumed = "consumed";

    // optional per-player item states in the profiles section (flattened, see SnapshotUserItems)
    public const string ItemCounts = "itemCounts";
    public const string ItemIds = "itemIds";
    public const string ItemWeight = "itemWeight";
    public const string ItemWeightTicks = "itemWeightTicks";
    public const string ItemIgnored = "itemIgnored";
    public const string ItemLastShownTicks = "itemLastShownTicks";
    public const string ItemCooldownUntilTicks = "itemCooldownUntilTicks";
    public const string ItemLastTouchTicks = "itemLastTouchTicks";

    /// <summary>Deepest nesting a reader follows when skipping an unknown value (format 1 itself needs 4).</summary>
    public const int MaxDepth = 64;
}
