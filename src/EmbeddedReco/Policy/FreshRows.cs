using System;
using System.Threading;
using EmbeddedReco.Catalog;

namespace EmbeddedReco.Policy;

/// <summary>
/// The rows that may still be "new" for the exploration pool (fewer than <see cref="PolicyOptions.NewItemImpressions"/>
/// impressions), maintained instead of scanning the catalog per call, in the order the pool wants them: fewest impressions first,
/// then by id (<see cref="Keys"/>: impressions x rows + id rank, as built). Impressions only grow between two
/// <see cref="MutableItemCounters.ResetVersion"/> changes, so a row's live key is never below its listed key: a reader walks the
/// list in order and stops as soon as its picks beat every key still ahead. Rebuilt (one scan, one sort, allocations) when the
/// catalog or the reset version changes, and compacted when more than half of its rows have aged out; otherwise read lock-free and
/// allocation-free.
/// </summary>
internal sealed class FreshRows
{
    private static FreshRows? s_none;

    private readonly MutableItemCounters? _counters;
    private readonly long _resetVersion;
    private readonly int[] _rows;
    private int _stale; // the most listed rows a read found aged out (a hint for compaction)

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
    /// The current list for <paramref name="counters"/> and <paramref name="threshold"/>, from <paramref name="slot"/> (the
    /// policy's shared cache) or rebuilt into it.
    /// </summary>
    public static FreshRows For(ref FreshRows? slot, MutableItemCounters counters, int[] idRank, long threshold)
    {
        var published = Volatile.Read(ref slot);
        var current = published ?? (s_none ??= new FreshRows(null, -1, Array.Empty<int>(), Array.Empty<long>()));
        long version = counters.ResetVersion;
        if (ReferenceEquals(current._counters, counters) && current._resetVersion == version
            && Volatile.Read(ref current._stale) <= current._rows.Length / 2)
        {
            return current;
        }

        var next = Build(counters, idRank, version, threshold, current);
        Interlocked.CompareExchange(ref slot, next, published); // lost to another thread's rebuild: theirs is as good
        return next;
    }

    /// <summary>Notes how many listed rows a read found aged out, so the list is compacted once more than half of it is.</summary>
    public void NoteAgedOut(int rows)
    {
        if (rows > Volatile.Read(ref _stale))
        {
            Volatile.Write(ref _stale, rows); // a lost race only delays the compaction by a call
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
