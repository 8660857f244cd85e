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
    private const int TrimAbove = 4096;
    private const int InitialKeys = 64; // allocated up front: the first commits of a session do not allocate on a producer
    private int _inside; // producers inside this set: 0 or 1 (they are serialized)

    public HashSet<string> Users { get; } = new HashSet<string>(InitialKeys, StringComparer.Ordinal);

    public HashSet<string> Items { get; } = new HashSet<string>(InitialKeys, StringComparer.Ordinal);

    public HashSet<(string User, string Item)> UserItems { get; } = new HashSet<(string User, string Item)>(InitialKeys);

    public HashSet<(string User, string Variant)> Engagement { get; } = new HashSet<(string User, string Variant)>(InitialKeys);

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

        Clear(Users);
        Clear(Items);
        Clear(UserItems);
        Clear(Engagement);
    }

    private static void Clear<T>(HashSet<T> set)
    {
        bool large = set.Count > TrimAbove;
        set.Clear();
        if (large)
        {
            set.TrimExcess(); // a snapshot load or a large upsert: do not keep its capacity for good
        }
    }
}
