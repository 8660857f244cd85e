using System.Collections.Generic;

namespace EmbeddedReco.Engagement;

/// <summary>
/// The whole state of an <see cref="EngagementAggregator"/> as plain data (strings, numbers, lists), for the engine to persist
/// in any format and hand back to <see cref="EngagementAggregator.Import(EngagementState)"/>. Lists are ordered by key (ordinal)
/// so an export is deterministic.
/// </summary>
internal sealed class EngagementState
{
    /// <summary>The session gap the state was built with, in ticks (informational; import keeps the aggregator's own gap).</summary>
    public long SessionGapTicks { get; set; }

    public List<UserRecord> Users { get; set; } = new List<UserRecord>();

    public List<VariantRecord> Variants { get; set; } = new List<VariantRecord>();

    internal sealed class UserRecord
    {
        public string UserId { get; set; } = "";

        /// <summary>UTC ticks of the player's latest interaction; meaningful only when <see cref="Sessions"/> &gt; 0.</summary>
        public long LastTicks { get; set; }

        public long Sessions { get; set; }

        public List<UserVariantRecord> Variants { get; set; } = new List<UserVariantRecord>();
    }

    internal sealed class UserVariantRecord
    {
        public string Variant { get; set; } = "";

        /// <summary>The latest day number (UTC ticks / ticks per day) on which the player was counted active in the variant.</summary>
        public long LastDay { get; set; }

        public EngagementCounts Counts;
    }

    internal sealed class VariantRecord
    {
        public string Variant { get; set; } = "";

        public EngagementCounts Totals;

        public List<DayRecord> Days { get; set; } = new List<DayRecord>();
    }

    internal sealed class DayRecord
    {
        /// <summary>Day number: UTC ticks / <see cref="System.TimeSpan.TicksPerDay"/>.</summary>
        public long Day { get; set; }

        public EngagementCounts Counts;
    }
}
