using System;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Diagnostics;

/// <summary>
/// The host's logger with its failures contained: a sink that throws (a file sink on the disk that just filled up) must never
/// take the engine down, least of all on the writer thread, where an unhandled exception ends the process. A failing log call is
/// dropped; nothing else changes.
/// </summary>
internal sealed class SafeLogger : ILogger
{
    private readonly ILogger _inner;

    public SafeLogger(ILogger inner)
    {
        _inner = inner;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        try
        {
            return _inner.BeginScope(state);
        }
        catch (Exception)
        {
            return null;
        }
    }

    public bool IsEnabled(LogLevel logLevel)
    {
        try
        {
            return _inner.IsEnabled(logLevel);
        }
        catch (Exception)
        {
            return false;
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
        catch (Exception)
        {
            // A broken sink loses this message, never the engine.
        }
    }
}
