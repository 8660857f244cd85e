using System;
using System.Collections.Generic;
using System.Globalization;
using EmbeddedReco.Engagement;

namespace EmbeddedReco;

/// <summary>
/// Engagement counts of a player, a variant or a time window. Read-only; a snapshot taken when the report was made.
/// </summary>
public sealed class EngagementTotals
{
    internal EngagementTotals(in EngagementCounts c)
    {
        Users = c.Users;
        Interactions = c.Interactions;
        Impressions = c.Impressions;
        Clicks = c.Clicks;
        Purchases = c.Purchases;
        PlaySeconds = c.PlaySeconds;
        Sessions = c.Sessions;
        RepeatSessions = c.RepeatSessions;
        Score = c.Score;
    }

    /// <summary>Distinct players counted (1 for a player's own totals).</summary>
    public long Users { get; }

    /// <summary>All recorded interactions of any kind.</summary>
    public long Interactions { get; }

    /// <summary>Impressions (items shown).</summary>
    public long Impressions { get; }

    /// <summary>Clicks.</summary>
    public long Clicks { get; }

    /// <summary>Purchases.</summary>
    public long Purchases { get; }

    /// <summary>Total seconds of play.</summary>
    public double PlaySeconds { get; }

    /// <summary>Sessions started (a session starts with a player's first interaction and after every gap longer than the session gap).</summary>
    public long Sessions { get; }

    /// <summary>Sessions beyond each player's first: return visits.</summary>
    public long RepeatSessions { get; }

    /// <summary>Weighted engagement: the sum of the engagement weight of every interaction (see <see cref="EngagementWeights"/>).</summary>
    public double Score { get; }

    /// <summary>Click-through rate: clicks / impressions; 0 with no impressions.</summary>
    public double ClickThroughRate => Impressions == 0 ? 0 : (double)Clicks / Impressions;

    /// <summary>Conversion (purchase) rate: purchases / impressions; 0 with no impressions.</summary>
    public double ConversionRate => Impressions == 0 ? 0 : (double)Purchases / Impressions;

    /// <summary>Mean weighted engagement per player: <see cref="Score"/> / <see cref="Users"/>; 0 with no players.</summary>
    public double ScorePerUser => Users == 0 ? 0 : Score / Users;

    /// <inheritdoc />
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture,
        "users={0} impressions={1} clicks={2} ctr={3:0.####} purchases={4} conversion={5:0.####} play={6:0.#}s sessions={7} repeat={8} score={9:0.###}",
        Users, Impressions, Clicks, ClickThroughRate, Purchases, ConversionRate, PlaySeconds, Sessions, RepeatSessions, Score);
}

/// <summary>Engagement of one variant within one UTC day (by interaction timestamp).</summary>
public sealed class EngagementWindow
{
    internal EngagementWindow(DateTimeOffset start, TimeSpan length, EngagementTotals totals)
    {
        Start = start;
        Length = length;
        Totals = totals;
    }

    /// <summary>The window's start (UTC midnight for day windows).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The window's length (one day).</summary>
    public TimeSpan Length { get; }

    /// <summary>The counts within the window. <see cref="EngagementTotals.Users"/> is the number of players active that day.</summary>
    public EngagementTotals Totals { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Start:yyyy-MM-dd}: {Totals}";
}

/// <summary>The engagement report of one experiment variant: totals and day windows.</summary>
public sealed class EngagementReport
{
    internal EngagementReport(string variant, EngagementTotals totals, IReadOnlyList<EngagementWindow> days)
    {
        Variant = variant;
        Totals = totals;
        Days = days;
    }

    /// <summary>The variant's name; empty for interactions recorded outside any experiment.</summary>
    public string Variant { get; }

    /// <summary>The variant's totals over all time.</summary>
    public EngagementTotals Totals { get; }

    /// <summary>The UTC day windows with any interaction, oldest first.</summary>
    public IReadOnlyList<EngagementWindow> Days { get; }

    /// <inheritdoc />
    public override string ToString() => $"{(Variant.Length == 0 ? "(none)" : Variant)}: {Totals}";
}
