namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>
/// Holds an engine's writer thread inside its next commit, as a slow disk would, until <see cref="Release"/> (or Dispose): what
/// producers queue meanwhile stays pending. <see cref="Hold"/> records one interaction to start that commit and waits until the
/// writer is inside it.
/// </summary>
public sealed class HeldWriter : IDisposable
{
    private readonly RecoEngine _engine;
    private readonly ManualResetEventSlim _inCommit = new(false);
    private readonly ManualResetEventSlim _release = new(false);
    private bool _released;

    private HeldWriter(RecoEngine engine)
    {
        _engine = engine;
        engine.Store.FaultInjector = () =>
        {
            _inCommit.Set();
            _release.Wait();
            return null;
        };
    }

    /// <summary>Records <paramref name="start"/> and returns once the writer is stuck committing it.</summary>
    public static HeldWriter Hold(RecoEngine engine, Interaction start)
    {
        var held = new HeldWriter(engine);
        engine.Record(start);
        if (!held._inCommit.Wait(TimeSpan.FromSeconds(10)))
        {
            held.Dispose();
            throw new TimeoutException("The writer never started the commit.");
        }

        return held;
    }

    /// <summary>Lets the writer go on and removes the hold for later commits.</summary>
    public void Release()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _release.Set();
        _engine.Store.FaultInjector = null;
    }

    public void Dispose()
    {
        Release();
        _inCommit.Dispose();
    }
}
