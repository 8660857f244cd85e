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
}
