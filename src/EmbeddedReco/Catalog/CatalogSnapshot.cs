using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;

namespace EmbeddedReco.Catalog;

/// <summary>
/// The catalog as one value: ids, a contiguous row-major matrix of unit-length rows, tags and an id index, none of which change
/// once published. Upserts and removals build a new snapshot and publish it with one reference write, so a reader never sees a
/// half-applied change. The exception is <see cref="Counters"/>, a <see cref="MutableItemCounters"/> that travels with the
/// snapshot and is updated in place (under the engine's mutation lock) while readers read it without a lock.
/// </summary>
internal sealed class CatalogSnapshot
{
    private static readonly string[] NoTags = Array.Empty<string>();

    /// <summary>Reader count once closed: increments keep it negative, so a late reader is refused.</summary>
    private const int Closed = int.MinValue / 2;

    /// <summary>Readers between <see cref="TryEnter"/> and <see cref="Exit"/>; <see cref="Closed"/> when retired and recycled.</summary>
    private int _readers;

    private static long s_generations; // catalogs built in this process: each gets the next number as its Generation

    /// <summary>Wraps the arrays (not copied: they must not change afterwards) and builds what is missing of the id index and ranks.</summary>
    /// <param name="dimensions">The row length.</param>
    /// <param name="ids">Unique ids, one per row.</param>
    /// <param name="vectors">Row-major rows, ids.Length x dimensions.</param>
    /// <param name="tags">Tags per row.</param>
    /// <param name="counters">Counters per row.</param>
    /// <param name="index">A ready id → row index of exactly <paramref name="ids"/> (ordinal), or null to build it.</param>
    /// <param name="idRank">A ready, verified <see cref="IdRank"/> for <paramref name="ids"/>, or null to compute it (a sort).</param>
    public CatalogSnapshot(int dimensions, string[] ids, float[] vectors, string[][] tags, MutableItemCounters counters, Dictionary<string, int>? index = null, int[]? idRank = null)
    {
        Generation = Interlocked.Increment(ref s_generations);
        Dimensions = dimensions;
        Ids = ids;
        Vectors = vectors;
        Tags = tags;
        Counters = counters;
        if (index is null)
        {
            index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
            for (int i = 0; i < ids.Length; i++)
            {
                index.Add(ids[i], i);
            }
        }

        Index = index;
        IdRank = idRank ?? ComputeIdRank(ids);
    }

    /// <summary>
    /// A number unique to this catalog in the process (from 1): per-player caches of catalog rows (<see cref="Profiles.UserItemState.Row"/>)
    /// compare it instead of holding the catalog, whose arrays a later snapshot load may recycle.
    /// </summary>
    public long Generation { get; }

    /// <summary>Rank of each row in ordinal id order: ties are broken "by id" with an int comparison instead of a string comparison.</summary>
    public static int[] ComputeIdRank(string[] ids)
    {
        var order = new int[ids.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = (string[])ids.Clone();
        Array.Sort(keys, order, StringComparer.Ordinal);
        var rank = new int[ids.Length];
        for (int r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
        }

        return rank;
    }

    /// <summary>
    /// Checks a rank array from an untrusted source in linear time: a permutation of 0..n-1 under which the ids are in strictly
    /// increasing ordinal order (which also proves them unique). Returns false otherwise.
    /// </summary>
    public static bool IsIdRank(string[] ids, int[] rank)
    {
        int n = ids.Length;
        if (rank.Length != n)
        {
            return false;
        }

        var order = ArrayPool<int>.Shared.Rent(Math.Max(n, 1));
        try
        {
            order.AsSpan(0, n).Fill(-1);
            for (int row = 0; row < n; row++)
            {
                int r = rank[row];
                if ((uint)r >= (uint)n || order[r] >= 0)
                {
                    return false;
                }

                order[r] = row;
            }

            for (int r = 1; r < n; r++)
            {
                if (string.CompareOrdinal(ids[order[r - 1]], ids[order[r]]) >= 0)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>
    /// Registers a reader that uses the arrays outside the engine's mutation lock (Suggest, the writer thread, a snapshot save).
    /// False when the catalog has been closed for recycling. A caller must re-check that the catalog is still the current one
    /// after entering (see <c>RecoEngine.EnterCatalog</c>): a retired catalog may be closed as soon as its readers have left.
    /// </summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _readers) > 0)
        {
            return true;
        }

        Interlocked.Decrement(ref _readers);
        return false;
    }

    /// <summary>Ends a read started by a successful <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _readers);

    /// <summary>
    /// For a retired catalog (no longer published, so no new reader can enter for good): closes it when no reader is inside,
    /// after which its arrays belong to the caller and may be overwritten. False while a reader is inside.
    /// </summary>
    public bool TryClose() => Interlocked.CompareExchange(ref _readers, Closed, 0) == 0;

    /// <summary>IdRank[row] = position of the row's id in ordinal order.</summary>
    public int[] IdRank { get; }

    public int Dimensions { get; }

    public int Count => Ids.Length;

    public string[] Ids { get; }

    public float[] Vectors { get; }

    public string[][] Tags { get; }

    public Dictionary<string, int> Index { get; }

    /// <summary>Sets the counters of every item <paramref name="counters"/> knows (by id); the others keep theirs. Call under the engine's mutation lock.</summary>
    public void SetCounters(Func<string, (double Log2, long Impressions, long Engagements)?> counters)
    {
        for (int row = 0; row < Count; row++)
        {
            if (counters(Ids[row]) is { } p)
            {
                Counters.Set(row, p.Log2, p.Impressions, p.Engagements);
            }
        }
    }

    /// <summary>
    /// Per row of this catalog, the row of the same item in <paramref name="old"/>, or -1 (a snapshot load without popularity keeps
    /// the live counters of the items that stay: computed outside the engine's mutation lock, carried under it with
    /// <see cref="MutableItemCounters.CarryFrom"/>).
    /// </summary>
    public int[] RowsIn(CatalogSnapshot old)
    {
        var rows = new int[Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = old.Index.TryGetValue(Ids[i], out int oldRow) ? oldRow : -1;
        }

        return rows;
    }

    /// <summary>
    /// The rows quantized to int8 (<see cref="ScoringPrecision.Int8"/>), or null when the engine scores in float32 (also for a
    /// catalog under <see cref="QuantizedRows.MinRows"/> items). Set once,
    /// before the catalog is published (<see cref="Quantize"/>), and never changed afterwards.
    /// </summary>
    public QuantizedRows? Quantized { get; private set; }

    /// <summary>
    /// Quantizes the rows unless already done, into <paramref name="reuse"/>'s arrays when they have the right size (the int8 rows
    /// of a closed catalog nobody reads any more). Call before publishing the catalog (the writer of a new catalog owns it).
    /// </summary>
    public void Quantize(QuantizedRows? reuse = null)
    {
        if (Count >= QuantizedRows.MinRows)
        {
            Quantized ??= QuantizedRows.Build(this, reuse);
        }
    }

    /// <summary>The live per-item counters: the one mutable part of the snapshot (see <see cref="MutableItemCounters"/>).</summary>
    public MutableItemCounters Counters { get; }

    public static CatalogSnapshot Empty(int dimensions) =>
        new CatalogSnapshot(dimensions, Array.Empty<string>(), Array.Empty<float>(), Array.Empty<string[]>(), new MutableItemCounters(0));

    public ReadOnlySpan<float> Row(int row) => new ReadOnlySpan<float>(Vectors, row * Dimensions, Dimensions);

    /// <summary>
    /// Builds the next snapshot: existing rows keep their order, changed rows are replaced in place, new ones are appended and
    /// removed ones dropped. The counters start empty: <paramref name="counterSource"/> gives, per row of the result, the row of this
    /// catalog whose counters it keeps (-1 for a new item, which starts at zero), for the caller to carry them under the engine's
    /// mutation lock when it publishes (<see cref="MutableItemCounters.CarryFrom"/>): Records change them until then.
    /// </summary>
    public CatalogSnapshot With(IReadOnlyList<(string Id, float[] Row, string[] Tags)> upserts, ICollection<string>? removals, out int[] counterSource)
    {
        int dims = Dimensions;
        var pending = new Dictionary<string, int>(upserts.Count, StringComparer.Ordinal);
        for (int u = 0; u < upserts.Count; u++)
        {
            pending[upserts[u].Id] = u;
        }

        int capacity = Count + upserts.Count;
        var previousRowOf = Quantized is null ? null : new int[capacity]; // for carrying quantized rows: -1 = quantize anew
        var ids = new List<string>(capacity);
        var vectors = Common.LargePages.AllocateInPlace<float>(capacity * dims);
        var tags = new List<string[]>(capacity);
        var counters = new MutableItemCounters(capacity);
        var source = new int[capacity];
        int n = 0;
        for (int i = 0; i < Count; i++)
        {
            string id = Ids[i];
            if (removals is not null && removals.Contains(id))
            {
                continue;
            }

            if (pending.TryGetValue(id, out int u))
            {
                upserts[u].Row.AsSpan().CopyTo(vectors.AsSpan(n * dims, dims));
                tags.Add(upserts[u].Tags);
                pending.Remove(id);
                SetPrevious(previousRowOf, n, -1);
            }
            else
            {
                Row(i).CopyTo(vectors.AsSpan(n * dims, dims));
                tags.Add(Tags[i]);
                SetPrevious(previousRowOf, n, i);
            }

            source[n] = i;
            ids.Add(id);
            n++;
        }

        for (int u = 0; u < upserts.Count; u++)
        {
            var (id, row, t) = upserts[u];
            if (!pending.TryGetValue(id, out int last) || last != u)
            {
                continue; // already placed (existing id) or superseded by a later duplicate
            }

            row.AsSpan().CopyTo(vectors.AsSpan(n * dims, dims));
            tags.Add(t.Length == 0 ? NoTags : t);
            SetPrevious(previousRowOf, n, -1);
            source[n] = -1;
            ids.Add(id);
            n++;
        }

        if (n != capacity)
        {
            var exact = Common.LargePages.AllocateInPlace<float>(n * dims); // removals: the rows, placed as the full array was
            vectors.AsSpan(0, n * dims).CopyTo(exact);
            vectors = exact;
            counters = counters.Trim(n);
        }

        counterSource = n == source.Length ? source : source.AsSpan(0, n).ToArray();
        var next = new CatalogSnapshot(dims, ids.ToArray(), vectors, tags.ToArray(), counters);
        if (Quantized is not null && n >= QuantizedRows.MinRows)
        {
            next.Quantized = QuantizedRows.Carry(Quantized, next, previousRowOf.AsSpan(0, n));
        }

        return next;
    }

    private static void SetPrevious(int[]? previousRowOf, int row, int previous)
    {
        if (previousRowOf is not null)
        {
            previousRowOf[row] = previous;
        }
    }
}
