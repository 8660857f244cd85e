using System;
using System.Collections.Generic;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// A sparse user x item matrix of engagement weights in CSR form (rows = users, columns sorted by item index).
/// Duplicate (user, item) entries are summed; entries whose summed weight is not positive (or not finite) are dropped,
/// because negative feedback is not co-occurrence. Immutable once built.
/// </summary>
internal sealed class InteractionMatrix
{
    private InteractionMatrix(int userCount, int itemCount, int[] rowStart, int[] columns, float[] values)
    {
        UserCount = userCount;
        ItemCount = itemCount;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    /// <summary>Number of user rows.</summary>
    public int UserCount { get; }

    /// <summary>Number of item columns.</summary>
    public int ItemCount { get; }

    /// <summary>Row offsets, length <see cref="UserCount"/> + 1.</summary>
    public int[] RowStart { get; }

    /// <summary>Item index of each stored entry, sorted within a row.</summary>
    public int[] Columns { get; }

    /// <summary>Weight of each stored entry (positive, finite).</summary>
    public float[] Values { get; }

    /// <summary>Number of stored (user, item) entries.</summary>
    public int NonZeros => Columns.Length;

    /// <summary>The items of one user.</summary>
    public ReadOnlySpan<int> ItemsOf(int user) => Columns.AsSpan(RowStart[user], RowStart[user + 1] - RowStart[user]);

    /// <summary>The weights of one user, parallel to <see cref="ItemsOf"/>.</summary>
    public ReadOnlySpan<float> WeightsOf(int user) => Values.AsSpan(RowStart[user], RowStart[user + 1] - RowStart[user]);

    /// <summary>Builds the matrix from (user, item, weight) triples.</summary>
    /// <param name="userCount">Number of users; every user index must be below it.</param>
    /// <param name="itemCount">Number of items; every item index must be below it.</param>
    /// <param name="users">User index of each triple.</param>
    /// <param name="items">Item index of each triple.</param>
    /// <param name="weights">Weight of each triple.</param>
    public static InteractionMatrix Build(int userCount, int itemCount, ReadOnlySpan<int> users, ReadOnlySpan<int> items, ReadOnlySpan<float> weights)
    {
        if (userCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(userCount), userCount, "The user count must be zero or more.");
        }

        if (itemCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, "The item count must be zero or more.");
        }

        if (users.Length != items.Length || users.Length != weights.Length)
        {
            throw new ArgumentException(
                $"The user, item and weight spans must have the same length (got {users.Length}, {items.Length}, {weights.Length}).", nameof(weights));
        }

        int[] counts = CountByUser(userCount, itemCount, users, items);
        var cursor = (int[])counts.Clone();
        var cols = new int[users.Length];
        var vals = new float[users.Length];
        for (int t = 0; t < users.Length; t++)
        {
            int p = cursor[users[t]]++;
            cols[p] = items[t];
            vals[p] = weights[t];
        }

        int[] rowStart = CompactRows(userCount, counts, cols, vals, out int write);
        Array.Resize(ref cols, write);
        Array.Resize(ref vals, write);
        return new InteractionMatrix(userCount, itemCount, rowStart, cols, vals);
    }

    /// <summary>
    /// Checks every user and item index is in range and returns the row offsets of a counting sort by user
    /// (length <paramref name="userCount"/> + 1).
    /// </summary>
    private static int[] CountByUser(int userCount, int itemCount, ReadOnlySpan<int> users, ReadOnlySpan<int> items)
    {
        // Counting sort of the triples by user.
        var counts = new int[userCount + 1];
        for (int t = 0; t < users.Length; t++)
        {
            int u = users[t];
            int i = items[t];
            if ((uint)u >= (uint)userCount)
            {
                throw new ArgumentOutOfRangeException(nameof(users), u, $"User index {u} at position {t} is outside 0..{userCount - 1}.");
            }

            if ((uint)i >= (uint)itemCount)
            {
                throw new ArgumentOutOfRangeException(nameof(items), i, $"Item index {i} at position {t} is outside 0..{itemCount - 1}.");
            }

            counts[u + 1]++;
        }

        for (int u = 0; u < userCount; u++)
        {
            counts[u + 1] += counts[u];
        }

        return counts;
    }

    /// <summary>
    /// Per row: sorts by item, sums duplicates and drops non-positive (or infinite) sums, compacting in place; returns the new
    /// row offsets and, in <paramref name="write"/>, the number of entries kept.
    /// </summary>
    private static int[] CompactRows(int userCount, int[] counts, int[] cols, float[] vals, out int write)
    {
        var rowStart = new int[userCount + 1];
        write = 0;
        for (int u = 0; u < userCount; u++)
        {
            int s = counts[u];
            int e = counts[u + 1];
            Array.Sort(cols, vals, s, e - s);
            rowStart[u] = write;
            int r = s;
            while (r < e)
            {
                int item = cols[r];
                double sum = 0;
                while (r < e && cols[r] == item)
                {
                    sum += vals[r];
                    r++;
                }

                if (sum > 0 && !double.IsInfinity(sum))
                {
                    cols[write] = item;
                    vals[write] = (float)sum;
                    write++;
                }
            }
        }

        rowStart[userCount] = write;
        return rowStart;
    }

    /// <summary>Number of users with a stored entry for each item.</summary>
    public int[] ItemSupport()
    {
        var support = new int[ItemCount];
        foreach (int c in Columns)
        {
            support[c]++;
        }

        return support;
    }

    /// <summary>
    /// The same users restricted to a subset of items, renumbered: <paramref name="map"/>[oldItem] is the new index or -1 to drop.
    /// </summary>
    public InteractionMatrix Project(int[] map, int newItemCount)
    {
        var rowStart = new int[UserCount + 1];
        var cols = new List<int>(NonZeros);
        var vals = new List<float>(NonZeros);
        for (int u = 0; u < UserCount; u++)
        {
            rowStart[u] = cols.Count;
            for (int p = RowStart[u]; p < RowStart[u + 1]; p++)
            {
                int m = map[Columns[p]];
                if (m >= 0)
                {
                    cols.Add(m);
                    vals.Add(Values[p]);
                }
            }
        }

        rowStart[UserCount] = cols.Count;
        var colArray = cols.ToArray();
        var valArray = vals.ToArray();

        // The map may not preserve order: re-sort each row.
        for (int u = 0; u < UserCount; u++)
        {
            Array.Sort(colArray, valArray, rowStart[u], rowStart[u + 1] - rowStart[u]);
        }

        return new InteractionMatrix(UserCount, newItemCount, rowStart, colArray, valArray);
    }

    /// <summary>The transpose in CSR form (rows = items, columns = users).</summary>
    public InteractionMatrix Transpose()
    {
        var counts = new int[ItemCount + 1];
        foreach (int c in Columns)
        {
            counts[c + 1]++;
        }

        for (int i = 0; i < ItemCount; i++)
        {
            counts[i + 1] += counts[i];
        }

        var cursor = (int[])counts.Clone();
        var cols = new int[NonZeros];
        var vals = new float[NonZeros];
        for (int u = 0; u < UserCount; u++)
        {
            for (int p = RowStart[u]; p < RowStart[u + 1]; p++)
            {
                int q = cursor[Columns[p]]++;
                cols[q] = u;
                vals[q] = Values[p];
            }
        }

        return new InteractionMatrix(ItemCount, UserCount, counts, cols, vals);
    }
}
