using System;
using System.Collections.Generic;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// The decoded content of a snapshot, in the shape of the file: parallel arrays. Produced by the engine when saving and by
/// <see cref="SnapshotReader"/> when loading; <see cref="SnapshotValidator"/> checks it before the engine uses any of it.
/// </summary>
internal sealed class SnapshotModel
{
    public int Dimensions { get; set; }

    /// <summary>When captured from an engine: the catalog whose arrays the model shares, entered until <see cref="ReleaseSource"/>.</summary>
    public Catalog.CatalogSnapshot? Source { get; set; }

    /// <summary>Leaves <see cref="Source"/> (once) after the model has been encoded.</summary>
    public void ReleaseSource()
    {
        Source?.Exit();
        Source = null;
    }

    public SnapshotSettings Settings { get; set; } = new SnapshotSettings();

    // catalog (required)
    public string[] ItemIds { get; set; } = Array.Empty<string>();

    /// <summary>Row-major, unit-length (or all-zero) rows: ItemIds.Length x Dimensions.</summary>
    public float[] ItemVectors { get; set; } = Array.Empty<float>();

    public string[][] ItemTags { get; set; } = Array.Empty<string[]>();

    /// <summary>Format 1.2, optional: the rank of each item's id in ordinal order (the catalog's tie-break order). Saves the
    /// loader a sort; verified in linear time by <see cref="SnapshotValidator"/> before use.</summary>
    public int[]? ItemRank { get; set; }

    /// <summary>Set by <see cref="SnapshotValidator"/> on .NET: the id → row index built while checking the ids are unique,
    /// handed to the catalog so the ids are hashed once per load. Null = the catalog builds its own.</summary>
    public Dictionary<string, int>? ItemIndex { get; set; }

    // popularity (optional)
    public bool HasPopularity => PopularityLog2 is not null;

    public double[]? PopularityLog2 { get; set; }

    public long[]? Impressions { get; set; }

    public long[]? Engagements { get; set; }

    // profiles (optional)
    public bool HasProfiles => UserIds is not null;

    public string[]? UserIds { get; set; }

    public float[]? UserVectors { get; set; }

    public long[]? UserLastTicks { get; set; }

    public long[]? UserInteractions { get; set; }

    public long[]? UserPositives { get; set; }

    public string[][]? UserConsumed { get; set; }

    /// <summary>Optional per-player item history (scorer weights, cooldown, exposure), flattened over players in profile order.</summary>
    public SnapshotUserItems? UserItems { get; set; }

    /// <summary>The trained collaborative model (format 1.1), or null.</summary>
    public SnapshotCollaborative? Collaborative { get; set; }
}

/// <summary>
/// Per-player item states, flattened: player u owns entries [start(u), start(u) + <see cref="Counts"/>[u]) of every other array,
/// where start(u) is the sum of the earlier counts. Optional in the profiles section (absent = no item states).
/// </summary>
internal sealed class SnapshotUserItems
{
    public int[] Counts { get; set; } = Array.Empty<int>();

    public string[] ItemIds { get; set; } = Array.Empty<string>();

    public float[] Weight { get; set; } = Array.Empty<float>();

    public long[] WeightTicks { get; set; } = Array.Empty<long>();

    public int[] Ignored { get; set; } = Array.Empty<int>();

    public long[] LastShownTicks { get; set; } = Array.Empty<long>();

    public long[] CooldownUntilTicks { get; set; } = Array.Empty<long>();

    public long[] LastTouchTicks { get; set; } = Array.Empty<long>();

    /// <summary>Creates the arrays for <paramref name="users"/> players and <paramref name="total"/> entries.</summary>
    public static SnapshotUserItems Create(int users, int total) => new SnapshotUserItems
    {
        Counts = new int[users],
        ItemIds = new string[total],
        Weight = new float[total],
        WeightTicks = new long[total],
        Ignored = new int[total],
        LastShownTicks = new long[total],
        CooldownUntilTicks = new long[total],
        LastTouchTicks = new long[total],
    };
}

/// <summary>The scoring-relevant engine settings recorded in a snapshot (informational on load; dimensions must match).</summary>
internal sealed class SnapshotSettings
{
    /// <summary>Names of the engagement weights in the "weights" map, in the order of <see cref="Weights"/>.</summary>
    public static readonly string[] WeightNames =
    {
        "impression", "click", "playPerMinute", "playCap", "purchase", "like", "dislike", "skip", "ratingNeutral", "ratingPerStar",
    };

    /// <summary>Ticks of ProfileHalfLife; -1 = no decay (Timeout.InfiniteTimeSpan).</summary>
    public long ProfileHalfLifeTicks { get; set; } = -1;

    /// <summary>Ticks of PopularityHalfLife; -1 = no decay.</summary>
    public long PopularityHalfLifeTicks { get; set; } = -1;

    public int MaxIdBytes { get; set; }

    /// <summary>Engagement weights by <see cref="WeightNames"/>; NaN = not present in the file.</summary>
    public double[] Weights { get; set; } = CreateEmptyWeights();

    public int[] ConsumedKinds { get; set; } = Array.Empty<int>();

    public static double[] CreateEmptyWeights()
    {
        var w = new double[WeightNames.Length];
        w.AsSpan().Fill(double.NaN);
        return w;
    }

    public static SnapshotSettings From(RecoEngineOptions options)
    {
        var w = options.EngagementWeights;
        var kinds = new int[options.ConsumedKinds.Count];
        int k = 0;
        foreach (var kind in options.ConsumedKinds)
        {
            kinds[k++] = (int)kind;
        }

        Array.Sort(kinds);
        return new SnapshotSettings
        {
            ProfileHalfLifeTicks = HalfLifeTicks(options.ProfileHalfLife),
            PopularityHalfLifeTicks = HalfLifeTicks(options.PopularityHalfLife),
            MaxIdBytes = options.MaxIdBytes,
            Weights = new[] { w.Impression, w.Click, w.PlayPerMinute, w.PlayCap, w.Purchase, w.Like, w.Dislike, w.Skip, w.RatingNeutral, w.RatingPerStar },
            ConsumedKinds = kinds,
        };
    }

    private static long HalfLifeTicks(TimeSpan halfLife) => halfLife == System.Threading.Timeout.InfiniteTimeSpan ? -1 : halfLife.Ticks;
}

/// <summary>The collaborative model section: EASE weights (dense) or item-kNN lists (CSR), with its training summary.</summary>
internal sealed class SnapshotCollaborative
{
    public int Algorithm { get; set; }

    public string[] ItemIds { get; set; } = Array.Empty<string>();

    public float[]? Dense { get; set; }

    public int[]? Start { get; set; }

    public int[]? Neighbours { get; set; }

    public float[]? Similarities { get; set; }

    public int Users { get; set; }

    public int Interactions { get; set; }

    public long TrainedAtTicks { get; set; }

    public long DurationTicks { get; set; }
}
