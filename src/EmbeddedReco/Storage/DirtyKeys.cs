using System;
using System.Collections.Generic;
using System.Threading;

namespace EmbeddedReco.Storage;

/// <summary>
/// The keys whose current state the writer must persist (a profile, an item's counters, a player's per-item state, the engagement
/// of a player and variant), coalesced on the producers' side: a player who records a hundred times between two commits queues one
/// profile write, not a hundred. The writer reads the live state when it encodes a key, so one write per key and commit is exact.
/// </summary>
/// <remarks>
/// Hand-off without the producers' lock: producers (serialized by <see cref="LiteStore"/>'s queue lock) add keys to the published
/// set between <see cref="Enter"/> and <see cref="Exit"/>; the writer swaps in an empty set (<see cref="LiteStore"/>'s take) and
/// waits until no producer is still inside the old one (a producer stays inside for the microseconds of one batch).
/// </remarks>
internal sealed class DirtyKeys
{
    /// <summary>
    /// Player-item keys a set holds before it must grow (a producer would allocate): as many as the write ring's slots
    /// (<see cref="LiteStore.RingWrites"/>), since most Records change one player-item state. The game-loop demo's sets peak at
    /// 1,300-2,100 such keys per commit on a shared 2-core VM, and past 4,096 when the writer stalls for about a second (then one
    /// Record rehashed the set: 283 KB at 4,096). About 230 KB per set; the store keeps two. A set drained with more than half of
    /// its capacity is grown ahead on the writer's thread (<see cref="Reuse{T}"/>).
    /// </summary>
    internal const int UserItemKeys = LiteStore.RingWrites;

    /// <summary>Profile, item and engagement keys a set holds before it must grow (about 20 KB each per set).</summary>
    internal const int StateKeys = 1024;

    /// <summary>
    /// A drained set with more keys than this came from a bulk change (a snapshot load, a large upsert or import), not from a game's
    /// Records: it is replaced by a new set of the presized capacity (on the writer's thread), so the bulk's capacity is not kept.
    /// Sets at or below it keep their capacity, so a backlog that once grew them never allocates on a producer again.
    /// </summary>
    internal const int BulkKeys = 65_536;

    private int _inside; // producers inside this set: 0 or 1 (they are serialized)

    public HashSet<string> Users { get; private set; } = new HashSet<string>(StateKeys, StringComparer.Ordinal);

    public HashSet<string> Items { get; private set; } = new HashSet<string>(StateKeys, StringComparer.Ordinal);

    public HashSet<(string User, string Item)> UserItems { get; private set; } = new HashSet<(string User, string Item)>(UserItemKeys);

    public HashSet<(string User, string Variant)> Engagement { get; private set; } = new HashSet<(string User, string Variant)>(StateKeys);

    /// <summary>Keys in the set.</summary>
    public int Count => Users.Count + Items.Count + UserItems.Count + Engagement.Count;

    /// <summary>
    /// Enters the set published in <paramref name="slot"/> (a producer, before adding): re-reads the slot after announcing itself,
    /// so a set the writer swapped out meanwhile is left again and the new one entered.
    /// </summary>
    public static DirtyKeys Enter(ref DirtyKeys slot)
    {
        while (true)
        {
            var set = Volatile.Read(ref slot);
            Interlocked.Increment(ref set._inside);
            if (ReferenceEquals(set, Volatile.Read(ref slot)))
            {
                return set;
            }

            Interlocked.Decrement(ref set._inside);
        }
    }

    /// <summary>Leaves a set entered with <see cref="Enter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _inside);

    /// <summary>Adds the key of a state write; false when the kind is not a coalesced one (the caller queues it as is).</summary>
    public bool TryAdd(in WriteOp op)
    {
        switch (op.Kind)
        {
            case WriteOpKind.UserChanged:
                Users.Add(op.Key);
                return true;
            case WriteOpKind.ItemChanged:
                Items.Add(op.Key);
                return true;
            case WriteOpKind.UserItemChanged:
                UserItems.Add((op.Key, op.Key2!));
                return true;
            case WriteOpKind.EngagementChanged:
                Engagement.Add((op.Key, op.Key2 ?? string.Empty));
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The writer, on a set it swapped out: waits for the producer still inside (if any), appends one write per key to
    /// <paramref name="work"/> and clears the set for reuse (its capacity is kept unless a bulk change made it large).
    /// </summary>
    public void DrainInto(List<WriteOp> work)
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref _inside) != 0)
        {
            spin.SpinOnce();
        }

        foreach (string user in Users)
        {
            work.Add(new WriteOp(WriteOpKind.UserChanged, user));
        }

        foreach (string item in Items)
        {
            work.Add(new WriteOp(WriteOpKind.ItemChanged, item));
        }

        foreach (var (user, item) in UserItems)
        {
            work.Add(new WriteOp(WriteOpKind.UserItemChanged, user, item));
        }

        foreach (var (user, variant) in Engagement)
        {
            work.Add(new WriteOp(WriteOpKind.EngagementChanged, user, variant));
        }

        Users = Reuse(Users, StateKeys);
        Items = Reuse(Items, StateKeys);
        UserItems = Reuse(UserItems, UserItemKeys);
        Engagement = Reuse(Engagement, StateKeys);
    }

    /// <summary>
    /// The set cleared for reuse, or a new one of <paramref name="capacity"/> (same comparer) when a bulk change filled it (see
    /// <see cref="BulkKeys"/>). A set that held more than half its capacity is grown to twice what it held, here on the writer's
    /// thread: a backlog that keeps growing between commits (a writer falling behind for a while) then finds room when this set
    /// is published again, instead of a producer rehashing it inside a Record.
    /// </summary>
    private static HashSet<T> Reuse<T>(HashSet<T> set, int capacity)
    {
        int count = set.Count;
        if (count > BulkKeys)
        {
            return new HashSet<T>(capacity, set.Comparer);
        }

        set.Clear();
        if (count > set.EnsureCapacity(0) / 2)
        {
            set.EnsureCapacity(2 * count);
        }

        return set;
    }
}
