namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>A manual clock for deterministic decay and time-window tests.</summary>
public sealed class TestClock
{
    public TestClock(DateTimeOffset? start = null) => Now = start ?? new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; }

    public void Advance(TimeSpan by) => Now += by;

    public Func<DateTimeOffset> AsFunc() => () => Now;
}
