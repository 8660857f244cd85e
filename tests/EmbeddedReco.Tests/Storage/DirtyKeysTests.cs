using EmbeddedReco.Storage;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>
/// The coalesced state keys a Record adds on the game's thread: a backlog within the presized capacity, or within one a set already
/// reached, never allocates on the producer; a bulk change's capacity is not kept.
/// </summary>
public class DirtyKeysTests
{
    [Fact]
    public void TryAdd_BacklogWithinPresizedCapacity_AllocatesNothing()
    {
        var ops = UserItemOps(DirtyKeys.UserItemKeys, "a");
        var set = new DirtyKeys();

        long bytes = Undisturbed(() =>
        {
            set = new DirtyKeys();
            return AddAll(set, ops);
        });

        Assert.Equal(0, bytes);
        Assert.Equal(DirtyKeys.UserItemKeys, set.UserItems.Count);
    }

    [Fact]
    public void DrainInto_AfterABacklogLargerThanPresized_KeepsTheGrownCapacityForTheNextBacklog()
    {
        int backlog = DirtyKeys.UserItemKeys * 3; // a writer that fell further behind than the presized capacity
        var first = UserItemOps(backlog, "a");
        var second = UserItemOps(backlog, "b");
        var work = new List<WriteOp>();

        long bytes = Undisturbed(() =>
        {
            var set = new DirtyKeys();
            AddAll(set, first);
            work.Clear();
            set.DrainInto(work);
            return AddAll(set, second);
        });

        Assert.Equal(backlog, work.Count);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void DrainInto_SetMoreThanHalfFull_GrowsItAheadSoALargerBacklogAllocatesNothing()
    {
        int drained = (DirtyKeys.UserItemKeys / 2) + 500; // more than half the presized capacity
        int next = drained * 2; // the next backlog on this set: past the presized capacity, within twice the last one
        var first = UserItemOps(drained, "a");
        var second = UserItemOps(next, "b");
        var work = new List<WriteOp>();
        var set = new DirtyKeys();
        AddAll(set, first);

        set.DrainInto(work); // the writer's thread
        long bytes = Undisturbed(() => AddAll(set, second)); // the producers' thread

        Assert.Equal(drained, work.Count);
        Assert.True(next > DirtyKeys.UserItemKeys);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void DrainInto_AfterABulkChange_StartsAgainAtThePresizedCapacity()
    {
        var bulkOps = UserItemOps(DirtyKeys.BulkKeys + 1, "bulk");
        var gameOps = UserItemOps(DirtyKeys.UserItemKeys, "game");
        var work = new List<WriteOp>();
        bool replaced = false;

        long bytes = Undisturbed(() =>
        {
            var set = new DirtyKeys();
            AddAll(set, bulkOps);
            var bulk = set.UserItems;
            work.Clear();
            set.DrainInto(work);
            replaced = !ReferenceEquals(bulk, set.UserItems);
            return AddAll(set, gameOps);
        });

        Assert.True(replaced);
        Assert.Equal(DirtyKeys.BulkKeys + 1, work.Count);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void DrainInto_EveryKind_OneWritePerDistinctKeyAndTheSetIsEmptyAfterwards()
    {
        var set = new DirtyKeys();
        var ops = new[]
        {
            new WriteOp(WriteOpKind.UserChanged, "p1"),
            new WriteOp(WriteOpKind.UserChanged, "p1"),
            new WriteOp(WriteOpKind.ItemChanged, "i1"),
            new WriteOp(WriteOpKind.UserItemChanged, "p1", "i1"),
            new WriteOp(WriteOpKind.UserItemChanged, "p1", "i1"),
            new WriteOp(WriteOpKind.EngagementChanged, "p1", "B"),
            new WriteOp(WriteOpKind.EngagementChanged, "p1"),
        };
        foreach (var op in ops)
        {
            Assert.True(set.TryAdd(op));
        }

        Assert.False(set.TryAdd(new WriteOp(WriteOpKind.LogInteraction, "p1", "i1")));
        var work = new List<WriteOp>();

        set.DrainInto(work);

        Assert.Equal(
            new[] { "UserChanged p1 ", "ItemChanged i1 ", "UserItemChanged p1 i1", "EngagementChanged p1 B", "EngagementChanged p1 " },
            work.Select(op => $"{op.Kind} {op.Key} {op.Key2}"));
        Assert.Equal(0, set.Count);
    }

    private static WriteOp[] UserItemOps(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => new WriteOp(WriteOpKind.UserItemChanged, $"{prefix}-p{i % 300}", $"{prefix}-i{i}")).ToArray();

    /// <summary>Adds every op inside the set, as a producer does, and returns the bytes that allocated on this thread.</summary>
    private static long AddAll(DirtyKeys set, WriteOp[] ops)
    {
        var slot = set;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var entered = DirtyKeys.Enter(ref slot);
        foreach (var op in ops)
        {
            entered.TryAdd(op);
        }

        entered.Exit();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> (which returns the bytes its last step allocated) again while a garbage collection, started by
    /// another test's thread, landed in it: such a collection moves this thread's allocation counter by up to a quantum (see
    /// <see cref="AllocationMeter"/>).
    /// </summary>
    private static long Undisturbed(Func<long> scenario)
    {
        for (int attempt = 0; ; attempt++)
        {
            var pauses = GC.GetTotalPauseDuration();
            long bytes = scenario();
            if (GC.GetTotalPauseDuration() == pauses || attempt == 20)
            {
                return bytes;
            }
        }
    }
}
