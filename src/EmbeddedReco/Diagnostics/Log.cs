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

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "The database {Path} was written by an older engine; migrated to storage format {Format} (ordinal ids), every row kept")]
    public static partial void StorageMigrated(ILogger logger, string path, int format);

    [LoggerMessage(EventId = 24, Level = LogLevel.Error, Message = "The database refused a batch of {Count} writes because of a document; writing them one at a time to set the refused ones aside")]
    public static partial void StorageIsolating(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 25, Level = LogLevel.Error, Message = "The database refused the write {Kind} '{Key}'; it was set aside and the other writes continue")]
    public static partial void StorageWriteSetAside(ILogger logger, Exception exception, string kind, string key);

    [LoggerMessage(EventId = 26, Level = LogLevel.Critical, Message = "The engine was disposed while the database could not be written: {Count} writes could not be saved")]
    public static partial void StorageWritesLostAtDispose(ILogger logger, int count);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "Storage is faulted: impressions of shown lists are not recorded until Flush recovers it ({Count} skipped in this list; logged once per failure)")]
    public static partial void ImpressionsSkipped(ILogger logger, int count);

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning, Message = "The write queue is full ({MaxPendingWrites} writes wait for the writer: records outrun the disk); interactions are refused, and impressions of shown lists skipped, until it drains (logged once per episode)")]
    public static partial void WriteQueueFull(ILogger logger, int maxPendingWrites);

    [LoggerMessage(EventId = 29, Level = LogLevel.Debug, Message = "The background warm-up of Suggest failed; the first Suggest compiles its code instead")]
    public static partial void WarmupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Scorer {Scorer} faulted and was skipped for this call: {Reason}")]
    public static partial void ScorerFault(ILogger logger, Exception? exception, string scorer, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Scorer {Scorer} is disabled after {Faults} faults; Suggest serves from the other scorers. It comes back {Recovery} (RecoEngine.EnableScorer re-enables it at once)")]
    public static partial void ScorerDisabled(ILogger logger, string scorer, int faults, string recovery);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Scorer {Scorer} re-enabled")]
    public static partial void ScorerEnabled(ILogger logger, string scorer);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "Scorer {Scorer} re-enabled on its own after a quiet period of {RecoveryPeriod}; on probation for {FaultWindow}: one more fault disables it again")]
    public static partial void ScorerReenabledAfterRecovery(ILogger logger, string scorer, TimeSpan recoveryPeriod, TimeSpan faultWindow);

    [LoggerMessage(EventId = 34, Level = LogLevel.Debug, Message = "Scorer {Scorer} took {Milliseconds} ms, over its {BudgetMilliseconds} ms budget; kept as a suspect, a fault only if over budget on its next {Confirmations} call(s) too")]
    public static partial void ScorerSlowCall(ILogger logger, string scorer, double milliseconds, double budgetMilliseconds, int confirmations);

    // Event ids 40 and 41 (plugin loaded / skipped) belong to EmbeddedReco.Plugins' PluginLoader.

    [LoggerMessage(EventId = 35, Level = LogLevel.Warning, Message = "Housekeeping after a commit failed on the writer thread (the writer goes on)")]
    public static partial void HousekeepingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Collaborative model trained ({Algorithm}): {Items} items, {Users} users, {Interactions} interactions in {Milliseconds} ms")]
    public static partial void ModelTrained(ILogger logger, string algorithm, int items, int users, int interactions, double milliseconds);

    [LoggerMessage(EventId = 51, Level = LogLevel.Error, Message = "Background retraining failed; the previous model stays in service")]
    public static partial void TrainingFailed(ILogger logger, Exception exception);
}
