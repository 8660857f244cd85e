using System;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Diagnostics;

/// <summary>Every log message of the engine, with stable event ids. Nothing here is logged per item or per Suggest call.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened EmbeddedReco engine on {Path}: {ItemCount} items, {UserCount} users, {Dimensions} dimensions")]
    public static partial void EngineOpened(ILogger logger, string path, int itemCount, int userCount, int dimensions);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Engine on {Path} disposed")]
    public static partial void EngineDisposed(ILogger logger, string path);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Catalog now has {ItemCount} items ({Changed} upserted, {Removed} removed)")]
    public static partial void CatalogChanged(ILogger logger, int itemCount, int changed, int removed);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Interaction of user {UserId} on unknown item {ItemId} was logged but did not change any profile")]
    public static partial void UnknownItemInteraction(ILogger logger, string userId, string itemId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Storage write failed; {Pending} pending writes are kept and retried on the next Flush")]
    public static partial void StorageWriteFailed(ILogger logger, Exception exception, int pending);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Storage recovered after a failure; pending writes were replayed")]
    public static partial void StorageRecovered(ILogger logger);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "Checkpoint done ({Reason})")]
    public static partial void Checkpointed(ILogger logger, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Storage is faulted: impressions of shown lists are not recorded until Flush recovers it ({Count} skipped in this list; logged once per failure)")]
    public static partial void ImpressionsSkipped(ILogger logger, int count);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Scorer {Scorer} faulted and was skipped for this call: {Reason}")]
    public static partial void ScorerFault(ILogger logger, Exception? exception, string scorer, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Scorer {Scorer} is disabled after {Faults} faults; Suggest serves from the other scorers (RecoEngine.EnableScorer re-enables it)")]
    public static partial void ScorerDisabled(ILogger logger, string scorer, int faults);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Scorer {Scorer} re-enabled")]
    public static partial void ScorerEnabled(ILogger logger, string scorer);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Plugin {Plugin}: loaded scorer {Scorer}")]
    public static partial void PluginScorerLoaded(ILogger logger, string plugin, string scorer);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Plugin {Plugin} skipped: {Reason}")]
    public static partial void PluginSkipped(ILogger logger, Exception? exception, string plugin, string reason);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Collaborative model trained ({Algorithm}): {Items} items, {Users} users, {Interactions} interactions in {Milliseconds} ms")]
    public static partial void ModelTrained(ILogger logger, string algorithm, int items, int users, int interactions, double milliseconds);

    [LoggerMessage(EventId = 51, Level = LogLevel.Error, Message = "Background retraining failed; the previous model stays in service")]
    public static partial void TrainingFailed(ILogger logger, Exception exception);
}
