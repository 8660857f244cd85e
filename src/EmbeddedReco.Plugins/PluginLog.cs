using System;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco;

/// <summary>The log messages of <see cref="PluginLoader"/>, with the event ids they had in the core library (40 and 41).</summary>
internal static partial class PluginLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Plugin {Plugin}: loaded scorer {Scorer}")]
    public static partial void PluginScorerLoaded(ILogger logger, string plugin, string scorer);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Plugin {Plugin} skipped: {Reason}")]
    public static partial void PluginSkipped(ILogger logger, Exception? exception, string plugin, string reason);
}
