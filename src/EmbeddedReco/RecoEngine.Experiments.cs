using System;
using System.Collections.Generic;
using EmbeddedReco.Diagnostics;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>
    /// Engagement metrics (impressions, clicks, click-through rate, purchases, conversion, play time, sessions, repeat sessions and the
    /// weighted engagement score, in total and per UTC day) of the players in a variant; null for a variant without data.
    /// Outside an experiment every player is in the variant "" (the default).
    /// </summary>
    /// <param name="variant">The variant name; "" = no experiment.</param>
    /// <returns>The report, or null.</returns>
    public EngagementReport? GetEngagement(string variant = "")
    {
        ThrowIfDisposed();
        return _state.Players.Engagement.GetReport(variant ?? string.Empty);
    }

    /// <summary>One player's engagement totals, or null for a player without interactions.</summary>
    /// <param name="userId">The player's id.</param>
    /// <returns>The totals, or null.</returns>
    public EngagementTotals? GetUserEngagement(string userId)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        return _state.Players.Engagement.GetUser(userId);
    }

    /// <summary>
    /// The experiment's comparison of each variant with the control on the weighted engagement score per player: mean, 95% confidence
    /// interval, lift and Welch's t-test (see <see cref="ExperimentStatistics"/>).
    /// </summary>
    /// <returns>One comparison per variant in the experiment's order; the first is the control compared with itself (its summary row).</returns>
    /// <exception cref="InvalidOperationException">No experiment is configured (<see cref="RecoEngineOptions.Experiment"/>).</exception>
    public IReadOnlyList<VariantComparison> GetExperimentReport()
    {
        ThrowIfDisposed();
        var experiment = _options.Experiment ?? throw new InvalidOperationException("No experiment is configured: set RecoEngineOptions.Experiment.");
        return ExperimentStatistics.Report(experiment, _state.Players.Engagement.ScoresByVariant(experiment));
    }

    /// <summary>The variant of a player in the configured experiment, or null without an experiment.</summary>
    /// <param name="userId">The player's id.</param>
    /// <returns>The variant name, or null.</returns>
    public string? GetVariant(string userId)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        return _options.Experiment?.Assign(userId).Name;
    }
}
