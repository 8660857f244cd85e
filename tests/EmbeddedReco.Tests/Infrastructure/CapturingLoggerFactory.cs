using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>A logger factory that keeps every entry (level, event id, message) for assertions on the engine's log.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId EventId, string Message)> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger : ILogger
    {
        private readonly CapturingLoggerFactory _owner;

        public Logger(CapturingLoggerFactory owner) => _owner = owner;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _owner._entries.Enqueue((logLevel, eventId, formatter(state, exception)));
    }
}
