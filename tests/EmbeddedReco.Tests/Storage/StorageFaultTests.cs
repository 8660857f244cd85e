using EmbeddedReco.Storage;
using EmbeddedReco.Tests.Infrastructure;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Tests.Storage;

/// <summary>Failures of the disk, of a checkpoint, of a document or of the host's logger: nothing acknowledged is lost or doubled.</summary>
public class StorageFaultTests
{
    [Fact]
    public void Flush_CheckpointFailsAfterTheCommit_RetryDoesNotDuplicateLogRows()
    {
        using var folder = new TempFolder();
        string path = folder.File("checkpoint.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Flush();
            bool failing = true;
            engine.Store.CheckpointFaultInjector = () => failing ? new IOException("checkpoint failed (simulated)") : null;
            for (int i = 0; i < 120; i++)
            {
                engine.Record(new Interaction("u1", $"item-{i % 10:D4}", InteractionKind.Click));
            }

            var ex = Assert.Throws<RecoException>(() => engine.Flush());
            Assert.Equal(RecoErrorCode.StorageWriteFailed, ex.Code);
            failing = false;
            engine.Flush();
            engine.Flush();
        }

        Assert.Equal(120, StorageInspector.CountInteractions(path, "u1"));
        using var reopened = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Equal(120, reopened.GetProfile("u1")!.InteractionCount);
    }

    [Fact]
    public void Flush_CommitReachedTheFileButReportedFailure_ReplayRewritesTheSameRows()
    {
        using var folder = new TempFolder();
        string path = folder.File("replay.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Flush();
            for (int i = 0; i < 50; i++)
            {
                engine.Record(new Interaction("u1", $"item-{i % 10:D4}", InteractionKind.Click));
            }

            engine.Flush(); // committed and checkpointed

            // A commit reaches the file but reports a failure: the kept batch is replayed, by log id (an upsert), not inserted again.
            engine.Store.FaultInjector = () => null;
            int fails = 1;
            engine.Store.AfterCommitFaultInjector = () => Interlocked.Decrement(ref fails) >= 0 ? new IOException("lost confirmation (simulated)") : null;
            using (var batch = engine.Store.BeginBatch())
            {
                // Queued as one batch so the fault hits all 30 (Record would race the writer).
                for (int i = 0; i < 30; i++)
                {
                    batch.Add(new WriteOp(WriteOpKind.LogInteraction, "u1", $"item-{i % 10:D4}", (int)InteractionKind.Click, 1, 1000 + i));
                }
            }

            Assert.True(SpinWait.SpinUntil(() => engine.Store.IsFaulted, TimeSpan.FromSeconds(10)), "the commit did not report its failure");
            engine.Flush(); // reopens and replays the kept batch
            engine.Flush();
        }

        Assert.Equal(80, StorageInspector.CountInteractions(path, "u1"));
    }

    [Fact]
    public void Flush_OneWriteTheDatabaseRefuses_IsSetAsideAndEverythingElseIsSaved()
    {
        using var folder = new TempFolder();
        string path = folder.File("poison.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Store.WriteFaultInjector = op => op.Kind == WriteOpKind.UserChanged && op.Key == "poison"
                ? new LiteException(0, "Document size exceed 16776960 limit (simulated)")
                : null;
            engine.Record(new Interaction("good-1", "item-0001", InteractionKind.Like));
            engine.Record(new Interaction("poison", "item-0002", InteractionKind.Like));
            engine.Record(new Interaction("good-2", "item-0003", InteractionKind.Like));
            engine.Flush();
            Assert.True(engine.Store.SetAsideCount >= 1);

            // Saving goes on: later writes are not held hostage.
            engine.Record(new Interaction("good-1", "item-0004", InteractionKind.Click));
            engine.Flush();
        }

        using var reopened = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Equal(2, reopened.GetProfile("good-1")!.InteractionCount);
        Assert.Equal(1, reopened.GetProfile("good-2")!.InteractionCount);
        Assert.Null(reopened.GetProfile("poison"));
        reopened.Dispose();
        Assert.Equal(1, StorageInspector.CountInteractions(path, "poison")); // its log row was a separate write and is kept
    }

    [Fact]
    public void Record_LoggerThatThrowsDuringAStorageFailure_EngineSurvivesAndRecovers()
    {
        using var folder = new TempFolder();
        string path = folder.File("logger.db");
        var options = TestCatalog.Options(path);
        options.LoggerFactory = new ThrowingLoggerFactory();
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Record(new Interaction("u1", "unknown-item", InteractionKind.Click)); // logs a warning on this thread: the sink throws
            bool failing = true;
            engine.Store.WriteFaultInjector = _ => failing ? new IOException("No space left on device (simulated)") : null;
            engine.Record(new Interaction("u1", "item-0001", InteractionKind.Like));
            Assert.True(SpinWait.SpinUntil(() => engine.Store.IsFaulted, TimeSpan.FromSeconds(10))); // the writer logged an error: the sink threw
            Assert.Throws<RecoException>(() => engine.Flush()); // the retry fails too, and the process lives
            failing = false;
            engine.Flush();
        }

        Assert.Equal(2, StorageInspector.CountInteractions(path, "u1"));
    }

    [Fact]
    public async Task Open_RandomlyDamagedFiles_FailWithAStorageCodeOrLoadOnlyValidState()
    {
        using var folder = new TempFolder();
        string original = folder.File("original.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(original, dimensions: 16)))
        {
            engine.UpsertItems(TestCatalog.Random(300, 16));
            var rng = new Random(3);
            for (int i = 0; i < 400; i++)
            {
                engine.Record(new Interaction($"p{rng.Next(40)}", $"item-{rng.Next(300):D4}", (InteractionKind)rng.Next(1, 6)));
            }
        }

        byte[] clean = File.ReadAllBytes(original);
        int opened = 0, refused = 0;
        for (int seed = 0; seed < 120; seed++)
        {
            var rng = new Random(seed);
            byte[] damaged = (byte[])clean.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int at = rng.Next(DatabaseFile.PageSize, damaged.Length); // beyond the header page: that is checked byte by byte
                damaged[at] ^= (byte)rng.Next(1, 256);
            }

            string path = folder.File($"damaged-{seed}.db");
            File.WriteAllBytes(path, damaged);
            var open = Task.Run(() =>
            {
                try
                {
                    using var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 16));
                    AssertValid(engine);
                    return true;
                }
                catch (RecoException ex) when (ex.Code == RecoErrorCode.StorageCorrupt || ex.Code == RecoErrorCode.StorageOpenFailed)
                {
                    return false;
                }
            });
            bool loaded = await open.WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException fails the test: the open hung
            if (loaded)
            {
                opened++;
            }
            else
            {
                refused++;
                Assert.Equal(damaged, File.ReadAllBytes(path)); // a refused file is left exactly as it was, for recovery
            }
        }

        Assert.True(refused > 0, "no damage was detected at all");
        Assert.Equal(120, opened + refused);
    }

    [Fact]
    public void Open_ItemVectorDamagedOnDisk_ThrowsStorageCorruptNamingTheChecksum()
    {
        using var folder = new TempFolder();
        string path = folder.File("vector.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 4)))
        {
            engine.UpsertItems(new[] { new ItemDefinition("marked", new float[] { 0.6f, 0.8f, 0, 0 }) });
        }

        byte[] bytes = File.ReadAllBytes(path);
        byte[] pattern = BitConverter.GetBytes(0.6f).Concat(BitConverter.GetBytes(0.8f)).ToArray();
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at > 0);
        bytes[at + 1] ^= 0x10; // still a plausible float, no longer the stored one
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path, dimensions: 4)));
        Assert.Equal(RecoErrorCode.StorageCorrupt, ex.Code);
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CorruptDatabase_DocumentedRecoveryFromTheLastSnapshotWorks()
    {
        using var folder = new TempFolder();
        string path = folder.File("game.db");
        string snapshot = folder.File("last-good.ersnap");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 4)))
        {
            engine.UpsertItems(new[] { new ItemDefinition("marked", new float[] { 0.6f, 0.8f, 0, 0 }), new ItemDefinition("other", new float[] { 1, 0, 0, 0 }) });
            engine.Record(new Interaction("p", "other", InteractionKind.Like));
            engine.SaveSnapshot(snapshot, new SnapshotOptions { IncludeProfiles = true });
        }

        byte[] bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(0.6f).Concat(BitConverter.GetBytes(0.8f)).ToArray());
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        // docs/RELIABILITY.md, "Recovery": keep the damaged file aside, start a new database, load the last good snapshot.
        RecoEngine recovered;
        try
        {
            recovered = RecoEngine.Open(TestCatalog.Options(path, dimensions: 4));
        }
        catch (RecoException ex) when (ex.Code == RecoErrorCode.StorageCorrupt)
        {
            File.Move(path, path + ".damaged");
            recovered = RecoEngine.Open(TestCatalog.Options(path, dimensions: 4));
            recovered.LoadSnapshot(snapshot, new SnapshotOptions { IncludeProfiles = true });
        }

        using (recovered)
        {
            Assert.Equal(2, recovered.ItemCount);
            Assert.Equal(1, recovered.GetProfile("p")!.InteractionCount);
        }

        Assert.True(File.Exists(path + ".damaged"));
    }

    private static void AssertValid(RecoEngine engine)
    {
        var catalog = engine.State.Catalog;
        for (int row = 0; row < catalog.Count; row++)
        {
            double norm2 = 0;
            foreach (float f in catalog.Row(row))
            {
                Assert.True(float.IsFinite(f));
                norm2 += (double)f * f;
            }

            Assert.True(norm2 == 0 || Math.Abs(Math.Sqrt(norm2) - 1) < 1e-3);
        }

        foreach (var s in engine.Suggest("p1", 10))
        {
            Assert.True(double.IsFinite(s.Score));
        }
    }

    private sealed class ThrowingLoggerFactory : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new ThrowingLogger();

        public void Dispose()
        {
        }
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => throw new IOException("log sink full");

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new IOException("No space left on device (log sink)");
    }
}
