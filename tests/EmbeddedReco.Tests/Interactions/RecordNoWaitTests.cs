using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Interactions;

/// <summary>Record never waits for the writer thread: not while it commits, not while it checkpoints.</summary>
public class RecordNoWaitTests
{
    [Fact]
    public void Record_WhileWriterIsStuckInCommit_ReturnsAndQueues()
    {
        using var engine = EngineWithPlayer();
        engine.Flush();
        using var held = HeldWriter.Hold(engine, new Interaction("p", "item-0002", InteractionKind.Click));
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            engine.Record(new Interaction("p", "item-0003", InteractionKind.Impression));
        }

        sw.Stop();
        int pending = engine.Store.PendingWrites;
        held.Release();
        engine.Flush();

        Assert.True(pending >= 1000, $"pending {pending}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"1000 Records took {sw.Elapsed} while the writer was stuck");
        Assert.Equal(1002, engine.GetProfile("p")!.InteractionCount);
    }

    [Fact]
    public async Task Record_WhileWriterIsStuckInCheckpoint_ReturnsAndQueues()
    {
        using var engine = EngineWithPlayer();
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

    [Fact]
    public void Record_ManyChangesWhileWriterIsStuck_QueuesAboutOneWritePerRecord()
    {
        using var engine = EngineWithPlayer();
        engine.Flush();
        using var held = HeldWriter.Hold(engine, new Interaction("p", "item-0002", InteractionKind.Click));
        for (int i = 0; i < 1000; i++)
        {
            engine.Record(new Interaction($"q{i % 5}", $"item-{i % 10:D4}", InteractionKind.Impression));
        }

        int pending = engine.PendingWrites;
        held.Release();
        engine.Flush();

        // 1000 log rows; the profiles (5), per-item states (50 pairs), item counters (10) and engagement rows (5) are coalesced
        // into one write each, plus at most one marker: not five writes a Record.
        Assert.InRange(pending, 1000, 1000 + 5 + 50 + 10 + 5 + 1);
        Assert.Equal(0, engine.PendingWrites);
    }

    [Fact]
    public void Record_QueueFull_ThrowsStorageQueueFullAndChangesNothing()
    {
        var options = TestCatalog.Options();
        options.MaxPendingWrites = 100;
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Flush();
        using var held = HeldWriter.Hold(engine, new Interaction("p", "item-0001", InteractionKind.Click));
        long accepted = 1;
        while (engine.TryRecord(new Interaction("p", "item-0002", InteractionKind.Impression)))
        {
            accepted++;
            Assert.True(accepted < 1000, "the queue never filled");
        }

        var before = engine.GetProfile("p")!;
        var sw = Stopwatch.StartNew();
        var ex = Assert.Throws<RecoException>(() => engine.Record(new Interaction("p", "item-0003", InteractionKind.Purchase)));
        Assert.False(engine.TryRecord(new Interaction("p", "item-0003", InteractionKind.Purchase)));
        sw.Stop();
        var after = engine.GetProfile("p")!;
        int pending = engine.PendingWrites;
        held.Release();
        engine.Flush();

        Assert.Equal(RecoErrorCode.StorageQueueFull, ex.Code);
        Assert.Contains("MaxPendingWrites", ex.Message, StringComparison.Ordinal);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"a refusal took {sw.Elapsed}: it must not wait for the writer");
        Assert.InRange(pending, 100, 100 + 6);
        Assert.Equal(before.InteractionCount, after.InteractionCount);
        Assert.Equal(before.Vector, after.Vector);
        Assert.Equal(accepted, engine.GetProfile("p")!.InteractionCount);
        Assert.Equal(3, engine.RefusedInteractions); // the loop's last TryRecord, Record and TryRecord

        // Drained: accepted again.
        Assert.True(engine.TryRecord(new Interaction("p", "item-0003", InteractionKind.Purchase)));
        Assert.Equal(accepted + 1, engine.GetProfile("p")!.InteractionCount);
    }

    [Fact]
    public void Suggest_QueueFullWithShownImpressions_ServesTheListAndSkipsTheImpressions()
    {
        var options = TestCatalog.Options();
        options.MaxPendingWrites = 100;
        options.Policy = new PolicyOptions { RecordShownAsImpressions = true };
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Click));
        engine.Flush();
        using var held = HeldWriter.Hold(engine, new Interaction("p", "item-0002", InteractionKind.Click));
        while (engine.TryRecord(new Interaction("q", "item-0002", InteractionKind.Impression)))
        {
        }

        long skippedBefore = engine.SkippedImpressions;
        long countBefore = engine.GetProfile("p")!.InteractionCount;
        var list = engine.Suggest("p", 5);
        held.Release();
        engine.Flush();

        Assert.Equal(5, list.Count);
        Assert.Equal(skippedBefore + 5, engine.SkippedImpressions);
        Assert.Equal(countBefore, engine.GetProfile("p")!.InteractionCount);
    }

    [Fact]
    public void Record_WhileTheGameRecordsEveryFrame_NeverPaysForWakingTheWriter()
    {
        using var engine = EngineWithPlayer();
        engine.Flush(); // the writer just worked: it polls for a second before it sleeps until woken
        long before = engine.Store.ProducerWakeups;
        for (int frame = 0; frame < 30; frame++)
        {
            engine.Record(new Interaction("p", $"item-{frame % 10:D4}", InteractionKind.Impression));
            Thread.Sleep(10); // a frame
        }

        long wakeups = engine.Store.ProducerWakeups - before;
        Assert.True(SpinWait.SpinUntil(() => engine.PendingWrites == 0, TimeSpan.FromSeconds(10)), "the polling writer never took the records");
        Assert.Equal(0, wakeups);
        Assert.Equal(31, engine.GetProfile("p")!.InteractionCount);
    }

    /// <summary>An in-memory engine with 50 items and a player "p" who clicked item-0001 (recorded, not yet flushed).</summary>
    private static RecoEngine EngineWithPlayer()
    {
        var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(50, 8));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Click));
        return engine;
    }
}
