using System;
using System.Threading;
using EmbeddedReco.Catalog;

namespace EmbeddedReco.Policy;

/// <summary>
/// The rows that may still be "new" for the exploration pool (fewer than <see cref="PolicyOptions.NewItemImpressions"/>
/// impressions), maintained instead of scanning the catalog per call, in the order the pool wants them: fewest impressions first,
/// then by id (<see cref="Keys"/>: impressions x rows + id rank, as built). Impressions only grow between two
/// <see cref="MutableItemCounters.ResetVersion"/> changes, so a row's live key is never below its listed key: a reader walks the
/// list in order and stops as soon as its picks beat every key still ahead. Rebuilt (one scan, one sort, allocations) by the
/// reader when the catalog or the reset version changes; compacted and re-keyed off the reader's thread when more than half of its
/// rows have aged out or a read walked far past its picks through rows shown since the build (<see cref="CompactionDue"/>,
/// <see cref="Compact"/>: the old list stays valid meanwhile, a superset with lower keys gives the same picks); otherwise read
/// lock-free and allocation-free.
/// </summary>
internal sealed class FreshRows
{
    private static FreshRows? s_none;

    private readonly MutableItemCounters? _counters;
    private readonly long _resetVersion;
    private readonly int[] _rows;
    private int _stale; // the most listed rows a read found aged out (a hint for compaction)
    private int _rekey; // 1: a read walked far past its picks, the listed keys are stale (a hint for compaction)

    private readonly long[] _keys;

    private FreshRows(MutableItemCounters? counters, long resetVersion, int[] rows, long[] keys)
    {
        _counters = counters;
        _resetVersion = resetVersion;
        _rows = rows;
        _keys = keys;
    }

    /// <summary>The rows listed (a superset of the rows that are new now), in <see cref="Keys"/> order.</summary>
    public ReadOnlySpan<int> Rows => _rows;

    /// <summary>Each listed row's order key when the list was built: impressions x catalog rows + id rank (ascending).</summary>
    public ReadOnlySpan<long> Keys => _keys;

    /// <summary>A row's order key now (never below its listed key).</summary>
    public static long KeyOf(long impressions, int rows, int idRank) => (impressions * rows) + idRank;

    /// <summary>
    /// How many outranked rows a read may walk, in multiples of the rows it wants, before the list is re-keyed. A walk stops at the
    /// first listed key above its picks; a row listed below them whose live key is above them (it was shown since the list was
    /// built) is walked for nothing, and a list built before most rows were shown is walked to its end by every read.
    /// </summary>
    public const int WalkFactor = 2;

    /// <summary>
    /// Whether <see cref="Compact"/> would shorten the walk: more than half of the listed rows have aged out, or a read walked more
    /// than <see cref="WalkFactor"/> times the rows it wanted in outranked rows (the listed keys are stale: re-keyed, the walk
    /// stops early again).
    /// </summary>
    public bool CompactionDue => Volatile.Read(ref _stale) > _rows.Length / 2 || Volatile.Read(ref _rekey) != 0;

    /// <summary>
    /// The current list for <paramref name="counters"/> and <paramref name="threshold"/>, from <paramref name="slot"/> (the
    /// policy's shared cache) or rebuilt into it when the catalog or the reset version changed. A list that is due for compaction
    /// is returned as it is (still exact): the caller compacts it elsewhere.
    /// </summary>
    public static FreshRows For(ref FreshRows? slot, MutableItemCounters counters, int[] idRank, long threshold)
    {
        var published = Volatile.Read(ref slot);
        var current = published ?? (s_none ??= new FreshRows(null, -1, Array.Empty<int>(), Array.Empty<long>()));
        long version = counters.ResetVersion;
        if (ReferenceEquals(current._counters, counters) && current._resetVersion == version)
        {
            return current;
        }

        var next = Build(counters, idRank, version, threshold, current);
        Interlocked.CompareExchange(ref slot, next, published); // lost to another thread's rebuild: theirs is as good
        return next;
    }

    /// <summary>
    /// Replaces the list in <paramref name="slot"/> by a compacted one (its rows still new, re-keyed and sorted) when it is still
    /// the list of <paramref name="counters"/> and due (<see cref="CompactionDue"/>); a list replaced meanwhile is left alone.
    /// Allocates: run it off the game's thread.
    /// </summary>
    public static void Compact(ref FreshRows? slot, MutableItemCounters counters, int[] idRank, long threshold)
    {
        var current = Volatile.Read(ref slot);
        if (current is null || !ReferenceEquals(current._counters, counters) || current._resetVersion != counters.ResetVersion || !current.CompactionDue)
        {
            return;
        }

        var next = Build(counters, idRank, current._resetVersion, threshold, current);
        Interlocked.CompareExchange(ref slot, next, current);
    }

    /// <summary>
    /// Notes a read's walk: how many listed rows it found aged out (the list is compacted once more than half of it is) and how many
    /// outranked rows it walked for <paramref name="wanted"/> rows (the list is re-keyed once that passes <see cref="WalkFactor"/>
    /// times <paramref name="wanted"/>).
    /// </summary>
    public void NoteWalk(int agedOut, int outranked, int wanted)
    {
        if (agedOut > Volatile.Read(ref _stale))
        {
            Volatile.Write(ref _stale, agedOut); // a lost race only delays the compaction by a call
        }

        if (outranked > WalkFactor * (long)wanted && Volatile.Read(ref _rekey) == 0)
        {
            Volatile.Write(ref _rekey, 1);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    private static FreshRows Build(MutableItemCounters counters, int[] idRank, long version, long threshold, FreshRows previous)
    {
        // Compaction of the same counters and version re-checks only the rows listed; anything else scans every row.
        bool compact = ReferenceEquals(previous._counters, counters) && previous._resetVersion == version;
        int fresh = 0;
        int n = counters.Count;
        var rows = new int[compact ? previous._rows.Length : n];
        if (compact)
        {
            foreach (int row in previous._rows)
            {
                rows[fresh] = row;
                fresh += counters.Impressions(row) < threshold ? 1 : 0;
            }
        }
        else
        {
            for (int row = 0; row < n; row++)
            {
                rows[fresh] = row;
                fresh += counters.Impressions(row) < threshold ? 1 : 0;
            }
        }

        Array.Resize(ref rows, fresh);
        var keys = new long[fresh];
        for (int i = 0; i < fresh; i++)
        {
            keys[i] = KeyOf(counters.Impressions(rows[i]), n, idRank[rows[i]]);
        }

        Array.Sort(keys, rows);
        return new FreshRows(counters, version, rows, keys);
    }
}
