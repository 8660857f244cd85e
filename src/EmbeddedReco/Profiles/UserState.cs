using System;
using System.Collections.Generic;
using EmbeddedReco.Common;

namespace EmbeddedReco.Profiles;

/// <summary>
/// The live, mutable state of one player. Every field, <see cref="Consumed"/> included, is read and written under
/// <see cref="Gate"/> (no reader keeps a reference past the lock).
/// </summary>
internal sealed class UserState
{
    private static readonly HashSet<string> NoneConsumed = new HashSet<string>(StringComparer.Ordinal);

    public UserState(string id, int dimensions)
    {
        Id = id;
        Vector = new float[dimensions];
        Consumed = NoneConsumed;
    }

    public string Id { get; }

    public object Gate { get; } = new object();

    /// <summary>Engagement-weighted sum of item rows, decayed to <see cref="LastTicks"/>.</summary>
    public float[] Vector { get; }

    /// <summary>UTC ticks of the latest interaction time; 0 = none.</summary>
    public long LastTicks { get; set; }

    public long InteractionCount { get; set; }

    public long PositiveCount { get; set; }

    public HashSet<string> Consumed { get; private set; }

    private bool _roomRequested; // asked ProfileRoom for room, not yet made

    /// <summary>Most items tracked per player in <see cref="Items"/>; the least recently touched is evicted beyond it.</summary>
    public const int MaxItems = 4000;

    /// <summary>Per-item history and exposure of this player (at most <see cref="MaxItems"/>).
    /// Enumerates in ascending <see cref="UserItemState.Seq"/> (an eviction rebuilds the dictionary rather than let a new entry
    /// reuse the freed slot), so the order survives a reload.</summary>
    public Dictionary<string, UserItemState> Items { get; private set; } = new Dictionary<string, UserItemState>(StringComparer.Ordinal);

    /// <summary>The <see cref="UserItemState.Seq"/> of the next new item state.</summary>
    public long NextSeq { get; set; }

    /// <summary>The player's state for an item, created when missing (evicting the least recently touched beyond the cap).</summary>
    public UserItemState Touch(string itemId, long ticks) => Touch(itemId, ticks, out _);

    /// <summary>As <see cref="Touch(string, long)"/>; <paramref name="evicted"/> names the item whose state was dropped to make room, if any.</summary>
    public UserItemState Touch(string itemId, long ticks, out string? evicted) => Touch(itemId, ticks, null, out evicted);

    /// <summary>
    /// As <see cref="Touch(string, long, out string?)"/>; a new item state comes from <paramref name="room"/> when given, which is
    /// also asked to grow <see cref="Items"/> ahead of need (see <see cref="ProfileRoom"/>).
    /// </summary>
    public UserItemState Touch(string itemId, long ticks, ProfileRoom? room, out string? evicted)
    {
        evicted = null;
        if (!Items.TryGetValue(itemId, out var state))
        {
            if (Items.Count >= MaxItems)
            {
                string? oldest = null;
                long oldestTicks = long.MaxValue;
                foreach (var pair in Items)
                {
                    if (pair.Value.LastTouchTicks < oldestTicks)
                    {
                        oldestTicks = pair.Value.LastTouchTicks;
                        oldest = pair.Key;
                    }
                }

                evicted = oldest;
                var kept = new Dictionary<string, UserItemState>(Items.Count, StringComparer.Ordinal);
                foreach (var pair in Items)
                {
                    if (!ReferenceEquals(pair.Key, oldest))
                    {
                        kept.Add(pair.Key, pair.Value);
                    }
                }

                Items = kept;
            }

            state = room?.Take() ?? new UserItemState();
            state.Seq = NextSeq++;
            AskRoom(room, Items.Count + 1, Items.EnsureCapacity(0));
            Items.Add(itemId, state);
        }

        if (ticks > state.LastTouchTicks)
        {
            state.LastTouchTicks = ticks;
        }

        return state;
    }

    /// <summary>
    /// The largest magnitude a profile component may reach: half of <see cref="float.MaxValue"/>, a margin for float rounding in
    /// the multiply-add. Bounded engagement weights never get near it; it stops a pathological sequence from making a profile
    /// infinite (an infinite profile scores every item 0 and cannot be saved in a loadable snapshot).
    /// </summary>
    internal const double MaxComponent = float.MaxValue / 2.0;

    /// <summary>
    /// Adds weight x row at a time, decaying the old vector (or the new weight, for an out-of-order event). Returns false and
    /// changes nothing when a component of the result could exceed <see cref="MaxComponent"/> (or the inputs are not finite).
    /// </summary>
    public bool Apply(ReadOnlySpan<float> row, double weight, long ticks, in Decay decay)
    {
        bool forward = ticks >= LastTicks;
        float keep = forward && LastTicks != 0 ? (float)decay.Factor(ticks - LastTicks) : 1f;
        if (!forward)
        {
            weight *= decay.Factor(LastTicks - ticks);
        }

        bool add = weight != 0 && !row.IsEmpty;
        if (add)
        {
            // |v * keep + r * w| <= max|v| * keep + max|r| * |w| for every component: checked before anything changes.
            double bound = ((double)System.Numerics.Tensors.TensorPrimitives.MaxMagnitude((ReadOnlySpan<float>)Vector) * keep)
                + ((double)System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row) * Math.Abs(weight));
            if (!(bound <= MaxComponent) || !(Math.Abs(weight) <= MaxComponent))
            {
                return false;
            }
        }

        if (forward)
        {
            if (keep != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(Vector, keep, Vector);
            }

            LastTicks = ticks;
        }

        if (add)
        {
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, (float)weight, Vector, Vector);
        }

        return true;
    }

    /// <summary>
    /// Applies one interaction with a catalog item (call under <see cref="Gate"/>; <see cref="InteractionCount"/> is counted by the
    /// caller for every interaction, known item or not): the profile vector learns the weighted row, a consumption is remembered,
    /// and the item's own state records the impression (cooldown rule) or the engagement (decayed history weight).
    /// <paramref name="catalogRow"/> is the item's row in the catalog numbered <paramref name="catalogGeneration"/>, cached with the
    /// item's state (<see cref="UserItemState.RowIn"/>).
    /// </summary>
    /// <returns>The item whose state was dropped to make room (see <see cref="MaxItems"/>), or null.</returns>
    public string? ApplyItem(string itemId, ReadOnlySpan<float> row, bool isImpression, bool consumes, double weight, long ticks, in Decay decay, PolicyOptions rules, int catalogRow, long catalogGeneration, ProfileRoom? room = null)
    {
        // False only when the vector would overflow (it is then left as it was): the profile stays finite.
        Apply(row, weight, ticks, decay);
        if (weight > 0)
        {
            PositiveCount++;
        }

        if (consumes)
        {
            AddConsumed(itemId, room);
        }

        var state = Touch(itemId, ticks, room, out string? evicted);
        state.Row = catalogRow;
        state.RowGeneration = catalogGeneration;
        if (isImpression)
        {
            state.Shown(ticks, rules.CooldownImpressions, rules.CooldownPeriod);
        }
        else
        {
            state.Engaged(weight, ticks, decay);
        }

        return evicted;
    }

    /// <summary>
    /// Sizes the buffers <see cref="ReadForSuggest"/> fills for a catalog of <paramref name="catalogRows"/> rows: a history as long
    /// as the catalog (at most <see cref="MaxItems"/>; an entry is 32 bytes) and twice as many excluded rows (cooldowns and consumed
    /// items), so a player whose history grows during play does not grow them mid-call.
    /// </summary>
    public static void SizeReadBuffers(ref UserHistoryEntry[] history, ref int[] excluded, int catalogRows)
    {
        int longest = Math.Min(catalogRows, MaxItems);
        ScratchArray.Grow(ref history, longest);
        ScratchArray.Grow(ref excluded, 2 * longest);
    }

    /// <summary>
    /// Copies what a <c>Suggest</c> needs of this player, under <see cref="Gate"/>: the profile vector into <paramref name="query"/>
    /// (when the player has a positive interaction), the non-zero history weights, and the catalog rows to exclude (in cooldown at
    /// <paramref name="nowTicks"/>, and consumed unless <paramref name="includeConsumed"/>). With <paramref name="seenMark"/>, also
    /// stamps <paramref name="seenStamp"/> on the row of every item the player has seen or consumed (the exploration pool's unseen
    /// rule, then a read of an array instead of a lookup by id). Rows come from each item's cached row (<see cref="UserItemState.RowIn"/>).
    /// Grows the buffers as needed.
    /// </summary>
    public PlayerRead ReadForSuggest(Span<float> query, ref UserHistoryEntry[] history, ref int[] excluded, Catalog.CatalogSnapshot catalog, long nowTicks, bool includeConsumed, int[]? seenMark = null, int seenStamp = 0)
    {
        lock (Gate)
        {
            bool hasProfile = PositiveCount > 0;
            if (hasProfile)
            {
                Vector.AsSpan().CopyTo(query);
            }

            ScratchArray.Grow(ref history, Items.Count);
            ScratchArray.Grow(ref excluded, Items.Count + Consumed.Count);
            int historyCount = 0, excludedCount = 0;
            foreach (var pair in Items)
            {
                var st = pair.Value;
                if (st.Weight != 0)
                {
                    history[historyCount++] = new UserHistoryEntry(pair.Key, st.Weight, new DateTimeOffset(st.WeightTicks, TimeSpan.Zero));
                }

                bool cooldown = st.InCooldown(nowTicks);
                if (cooldown || seenMark is not null)
                {
                    int row = st.RowIn(pair.Key, catalog);
                    if (row >= 0)
                    {
                        if (seenMark is not null)
                        {
                            seenMark[row] = seenStamp;
                        }

                        if (cooldown)
                        {
                            excluded[excludedCount++] = row;
                        }
                    }
                }
            }

            if (!includeConsumed || seenMark is not null)
            {
                foreach (string id in Consumed)
                {
                    if (catalog.Index.TryGetValue(id, out int row))
                    {
                        if (seenMark is not null)
                        {
                            seenMark[row] = seenStamp;
                        }

                        if (!includeConsumed)
                        {
                            excluded[excludedCount++] = row;
                        }
                    }
                }
            }

            return new PlayerRead(InteractionCount, PositiveCount, hasProfile, historyCount, excludedCount);
        }
    }

    public void AddConsumed(string itemId, ProfileRoom? room = null)
    {
        if (Consumed.Contains(itemId))
        {
            return;
        }

        if (ReferenceEquals(Consumed, NoneConsumed))
        {
            Consumed = new HashSet<string>(StringComparer.Ordinal); // the player's own set (made ahead by MakeRoom when asked)
        }

        AskRoom(room, Consumed.Count + 1, Consumed.EnsureCapacity(0));
        Consumed.Add(itemId); // in place: a purchase no longer copies the whole set
    }

    /// <summary>
    /// On the writer thread (<see cref="ProfileRoom.Make"/>): grows <see cref="Items"/> and <see cref="Consumed"/> to twice their
    /// count plus <see cref="RoomAhead"/> when fewer than that many entries (or a quarter) are free, under <see cref="Gate"/>, so the
    /// next Records that add state find room without allocating. The rehash holds the lock: 36 us per 1,000 entries measured on
    /// the reference VM, 0.1 ms at the 4,000-entry cap, once per doubling of the player's history.
    /// </summary>
    public void MakeRoom()
    {
        lock (Gate)
        {
            _roomRequested = false;
            Items.EnsureCapacity(RoomFor(Items.EnsureCapacity(0), Items.Count));
            if (ReferenceEquals(Consumed, NoneConsumed))
            {
                Consumed = new HashSet<string>(StringComparer.Ordinal);
            }

            Consumed.EnsureCapacity(RoomFor(Consumed.EnsureCapacity(0), Consumed.Count));
        }
    }

    /// <summary>
    /// Free entries a set keeps ahead of need: a shop open can show a player a whole shelf of new items before the writer's next
    /// commit makes room (the game-loop demo's shelf is 10).
    /// </summary>
    internal const int RoomAhead = 32;

    /// <summary>
    /// Asks for room when a set is within a quarter (at least <see cref="RoomAhead"/> entries) of its capacity (read with
    /// <c>EnsureCapacity(0)</c>, which never allocates); once until made.
    /// </summary>
    private void AskRoom(ProfileRoom? room, int count, int capacity)
    {
        if (room is not null && !_roomRequested && NeedsGrowth(capacity, count))
        {
            _roomRequested = true;
            room.Request(this);
        }
    }

    /// <summary>The capacity a set of <paramref name="count"/> entries should have: twice the count plus <see cref="RoomAhead"/> when it needs to grow, else the one it has.</summary>
    private static int RoomFor(int capacity, int count) => NeedsGrowth(capacity, count) ? (2 * count) + RoomAhead : capacity;

    private static bool NeedsGrowth(int capacity, int count) => count > capacity - Math.Max(RoomAhead, capacity / 4);

    public void SetConsumed(IEnumerable<string> itemIds)
    {
        var set = new HashSet<string>(itemIds, StringComparer.Ordinal);
        Consumed = set.Count == 0 ? NoneConsumed : set;
    }

    public UserProfile ToProfile()
    {
        var consumed = new List<string>(Consumed);
        consumed.Sort(StringComparer.Ordinal);
        return new UserProfile(
            Id,
            (float[])Vector.Clone(),
            InteractionCount,
            PositiveCount,
            LastTicks == 0 ? null : new DateTimeOffset(LastTicks, TimeSpan.Zero),
            consumed.AsReadOnly());
    }
}
