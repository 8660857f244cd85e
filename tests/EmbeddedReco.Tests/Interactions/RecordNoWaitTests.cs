using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Interactions;

/// <summary>Record never waits for the writer thread: not while it commits, not while it checkpoints.</summary>
public class RecordNoWaitTests
{
    [Fact]
    public void Record_WhileWriterIsStuckInCommit_ReturnsAndQueues()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Click));
        engine.Flush();
        using var inCommit = new ManualResetEventSlim(false);
        using var release = new ManualResetEventSlim(false);
        engine.Store.FaultInjector = () =>
        {
            inCommit.Set();
            release.Wait();
            return null;
        };

        engine.Record(new Interaction("p", "item-0002", InteractionKind.Click));
        Assert.True(inCommit.Wait(TimeSpan.FromSeconds(10)));
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            engine.Record(new Interaction("p", "item-0003", InteractionKind.Impression));
        }

        sw.Stop();
        int pending = engine.Store.PendingWrites;
        release.Set();
        engine.Store.FaultInjector = null;
        engine.Flush();

        Assert.True(pending >= 1000, $"pending {pending}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"1000 Records took {sw.Elapsed} while the writer was stuck");
        Assert.Equal(1002, engine.GetProfile("p")!.InteractionCount);
    }

    [Fact]
    public async Task Record_WhileWriterIsStuckInCheckpoint_ReturnsAndQueues()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Click));
        using var inCheckpoint = new ManualResetEventSlim(false);
        using var release = new ManualResetEventSlim(false);
        engine.Store.CheckpointFaultInjector = () =>
        {
            inCheckpoint.Set();
            release.Wait();
            return null;
        };

        var flush = Task.Run(engine.Flush);
        Assert.True(inCheckpoint.Wait(TimeSpan.FromSeconds(10)));
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            engine.Record(new Interaction("p", "item-0002", InteractionKind.Like));
        }

        sw.Stop();
        release.Set();
        await flush.WaitAsync(TimeSpan.FromSeconds(10));
        engine.Store.CheckpointFaultInjector = null;
        engine.Flush();

        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"1000 Records took {sw.Elapsed} while the writer checkpointed");
        Assert.Equal(1001, engine.GetProfile("p")!.InteractionCount);
    }
}
