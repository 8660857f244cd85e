using System;
using System.Collections.Generic;

namespace EmbeddedReco.Catalog;

/// <summary>
/// The catalog as one immutable value: ids, a contiguous row-major matrix of unit-length rows, tags and an id index.
/// Upserts and removals build a new snapshot and publish it with one reference write, so a reader never sees a half-applied
/// change. The per-item counters travel with it but are mutated in place under the engine's mutation lock.
/// </summary>
internal sealed class CatalogSnapshot
{
    private static readonly string[] NoTags = Array.Empty<string>();

    public CatalogSnapshot(int dimensions, string[] ids, float[] vectors, string[][] tags, ItemCounters counters)
    {
        Dimensions = dimensions;
        Ids = ids;
        Vectors = vectors;
        Tags = tags;
        Counters = counters;
        Index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            Index.Add(ids[i], i);
        }

        // Rank of each row in ordinal id order: ties are broken "by id" with an int comparison instead of a string comparison.
        var order = new int[ids.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = (string[])ids.Clone();
        Array.Sort(keys, order, StringComparer.Ordinal);
        IdRank = new int[ids.Length];
        for (int r = 0; r < order.Length; r++)
        {
            IdRank[order[r]] = r;
        }
    }

    /// <summary>IdRank[row] = position of the row's id in ordinal order.</summary>
    public int[] IdRank { get; }

    public int Dimensions { get; }

    public int Count => Ids.Length;

    public string[] Ids { get; }

    public float[] Vectors { get; }

    public string[][] Tags { get; }

    public Dictionary<string, int> Index { get; }

    public ItemCounters Counters { get; }

    public static CatalogSnapshot Empty(int dimensions) =>
        new CatalogSnapshot(dimensions, Array.Empty<string>(), Array.Empty<float>(), Array.Empty<string[]>(), new ItemCounters(0));

    public ReadOnlySpan<float> Row(int row) => new ReadOnlySpan<float>(Vectors, row * Dimensions, Dimensions);

    /// <summary>
    /// Builds the next snapshot: existing rows keep their order, changed rows are replaced in place, new ones are appended and
    /// removed ones dropped. Counters of kept items are carried over; new items start at zero.
    /// </summary>
    public CatalogSnapshot With(IReadOnlyList<(string Id, float[] Row, string[] Tags)> upserts, ICollection<string>? removals)
    {
        int dims = Dimensions;
        var pending = new Dictionary<string, int>(upserts.Count, StringComparer.Ordinal);
        for (int u = 0; u < upserts.Count; u++)
        {
            pending[upserts[u].Id] = u;
        }

        int capacity = Count + upserts.Count;
        var ids = new List<string>(capacity);
        var vectors = new float[capacity * dims];
        var tags = new List<string[]>(capacity);
        var counters = new ItemCounters(capacity);
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
            }
            else
            {
                Row(i).CopyTo(vectors.AsSpan(n * dims, dims));
                tags.Add(Tags[i]);
            }

            counters.CopyFrom(Counters, i, n);
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
            ids.Add(id);
            n++;
        }

        if (n != capacity)
        {
            Array.Resize(ref vectors, n * dims);
            counters = counters.Trim(n);
        }

        return new CatalogSnapshot(dims, ids.ToArray(), vectors, tags.ToArray(), counters);
    }
}

/// <summary>
/// Per-item engagement counters aligned with the rows of a <see cref="CatalogSnapshot"/>. Written only under the engine's
/// mutation lock; read without a lock by <c>Suggest</c> (a stale value only shifts one ranking slightly).
/// </summary>
internal sealed class ItemCounters
{
    public ItemCounters(int count)
    {
        PopularityLog2 = new double[count];
        Impressions = new long[count];
        Engagements = new long[count];
        PopularityLog2.AsSpan().Fill(double.NegativeInfinity);
    }

    /// <summary>log2 of the decayed positive engagement, in epoch half-lives (see <see cref="Profiles.Decay"/>).</summary>
    public double[] PopularityLog2 { get; private set; }

    /// <summary>Impressions recorded for the item.</summary>
    public long[] Impressions { get; private set; }

    /// <summary>Interactions with a positive engagement weight.</summary>
    public long[] Engagements { get; private set; }

    public void CopyFrom(ItemCounters source, int from, int to)
    {
        PopularityLog2[to] = source.PopularityLog2[from];
        Impressions[to] = source.Impressions[from];
        Engagements[to] = source.Engagements[from];
    }

    public ItemCounters Trim(int count)
    {
        var trimmed = new ItemCounters(0)
        {
            PopularityLog2 = PopularityLog2.AsSpan(0, count).ToArray(),
            Impressions = Impressions.AsSpan(0, count).ToArray(),
            Engagements = Engagements.AsSpan(0, count).ToArray(),
        };
        return trimmed;
    }
}
