using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>A real full disk (a small tmpfs): the engine survives it, and once space is freed nothing acknowledged is lost.</summary>
public class FullDiskTests
{
    private static void Collect()
    {
        // LiteDB's broken transactions throw from their finalizers: collecting them must not end the process.
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [TmpfsFact]
    public void Flush_DiskFullThenSpaceFreed_SucceedsWithEveryRecordKept()
    {
        using var disk = Tmpfs.TryMount(2 * 1024 * 1024)!;
        string path = Path.Combine(disk.Path, "reco.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 32)))
        {
            engine.UpsertItems(TestCatalog.Random(200, 32));
            engine.Flush();
            string filler = disk.Fill();
            int recorded = 0;
            RecoException? failure = null;
            for (int i = 0; i < 20000 && failure is null; i++)
            {
                try
                {
                    engine.Record(new Interaction($"player-{i % 50}", $"item-{i % 200:D4}", InteractionKind.Click));
                    recorded++;
                    if (i % 500 == 499)
                    {
                        engine.Flush();
                    }
                }
                catch (RecoException ex)
                {
                    failure = ex;
                }
            }

            Assert.NotNull(failure);
            Assert.Equal(RecoErrorCode.StorageWriteFailed, failure!.Code);
            Collect();
            Assert.Throws<RecoException>(() => engine.Flush()); // still full: kept, not dropped
            Collect();

            File.Delete(filler);
            engine.Flush();
            Collect();
            long total = Enumerable.Range(0, 50).Sum(p => engine.GetProfile($"player-{p}")?.InteractionCount ?? 0);
            Assert.Equal(recorded, total);
            engine.Dispose();
            Assert.Equal(recorded, StorageInspector.CountInteractions(path));
        }

        using var reopened = RecoEngine.Open(TestCatalog.Options(path, dimensions: 32));
        Assert.Equal(200, reopened.ItemCount);
    }

    [TmpfsFact]
    public void Dispose_WhileTheDiskIsFull_ProcessSurvivesAndFlushedDataReopens()
    {
        using var disk = Tmpfs.TryMount(2 * 1024 * 1024)!;
        string path = Path.Combine(disk.Path, "reco.db");
        string filler;
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 32)))
        {
            engine.UpsertItems(TestCatalog.Random(200, 32));
            engine.Record(new Interaction("kept", "item-0001", InteractionKind.Purchase));
            engine.Flush();
            filler = disk.Fill();
            try
            {
                for (int i = 0; i < 20000; i++)
                {
                    engine.Record(new Interaction($"player-{i % 50}", $"item-{i % 200:D4}", InteractionKind.Click));
                }
            }
            catch (RecoException)
            {
                // The disk is full: expected.
            }
        }

        Collect();
        File.Delete(filler);
        using var reopened = RecoEngine.Open(TestCatalog.Options(path, dimensions: 32));
        Assert.Equal(1, reopened.GetProfile("kept")!.InteractionCount);
        Assert.Equal(200, reopened.ItemCount);
    }
}
