using EmbeddedReco.Storage;
using EmbeddedReco.Tests.Infrastructure;
using LiteDB;

namespace EmbeddedReco.Tests.Storage;

/// <summary>
/// Each UpsertItems call's writes reach the file in one transaction: the writer may commit several calls together, never part
/// of one. Checked inside every transaction just before its commit (what a crash right after that commit would leave on disk),
/// by reading the writer's own open database from the fault-injection seam, which runs on the writer thread inside the
/// transaction. Before the fix a split needed the writer to win the queue lock in the middle of a call's enqueue loop, so this
/// test failed on some runs only (a kill -9 campaign is the end-to-end check).
/// </summary>
public class BatchAtomicityTests
{
    private const int Calls = 6;
    private const int ItemsPerCall = 2000;

    [Fact]
    public void UpsertItems_EveryCommit_HoldsWholeCalls()
    {
        using var folder = new TempFolder();
        using var engine = RecoEngine.Open(TestCatalog.Options(folder.File("reco.db")));
        var split = new List<string>();
        int commits = 0;
        var db = WriterDatabase(engine.Store);
        engine.Store.FaultInjector = () =>
        {
            // Items are queued in call order: a call is split when its first item is in the file and its last is not.
            commits++;
            var items = db().GetCollection("items");
            for (int call = 0; call < Calls; call++)
            {
                bool first = items.FindById(ItemId(call * ItemsPerCall)) is not null;
                bool last = items.FindById(ItemId((call * ItemsPerCall) + ItemsPerCall - 1)) is not null;
                if (first != last)
                {
                    split.Add($"commit {commits} holds part of call {call}");
                }
            }

            return null;
        };

        var all = TestCatalog.Random(Calls * ItemsPerCall, 8);
        for (int call = 0; call < Calls; call++)
        {
            // The writer is idle (Flush): the call's first write wakes it while the rest are still being queued.
            engine.UpsertItems(all.GetRange(call * ItemsPerCall, ItemsPerCall));
            engine.Flush();
        }

        engine.Flush();
        engine.Store.FaultInjector = null;

        Assert.True(commits > 0);
        Assert.Empty(split);
        Assert.Equal(Calls * ItemsPerCall, StorageCount(engine, folder));
    }

    private static string ItemId(int i) => $"item-{i:D4}";

    private static int StorageCount(RecoEngine engine, TempFolder folder)
    {
        engine.Dispose();
        return StorageInspector.Count(folder.File("reco.db"), "items");
    }

    /// <summary>The writer's open database, read on the writer thread only.</summary>
    private static Func<LiteDatabase> WriterDatabase(LiteStore store) => () => store.Database!;
}
