using System;
using System.Collections.Generic;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// Collects (user id, item id, weight) triples and numbers users and items in order of first appearance, then builds an
/// <see cref="InteractionMatrix"/>. The engine passes decayed engagement weights; duplicates are summed by the matrix.
/// </summary>
internal sealed class InteractionMatrixBuilder
{
    private readonly Dictionary<string, int> users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> items = new(StringComparer.Ordinal);
    private readonly List<string> userIds = new();
    private readonly List<string> itemIds = new();
    private readonly List<int> userIndex = new();
    private readonly List<int> itemIndex = new();
    private readonly List<float> weights = new();

    /// <summary>Number of triples added.</summary>
    public int Count => weights.Count;

    /// <summary>Adds one triple.</summary>
    public void Add(string userId, string itemId, float weight)
    {
        if (userId is null)
        {
            throw new ArgumentNullException(nameof(userId));
        }

        if (itemId is null)
        {
            throw new ArgumentNullException(nameof(itemId));
        }

        if (float.IsNaN(weight) || float.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The weight must be finite.");
        }

        userIndex.Add(IndexOf(users, userIds, userId));
        itemIndex.Add(IndexOf(items, itemIds, itemId));
        weights.Add(weight);
    }

    /// <summary>Declares an item without an interaction (so it has a column; it stays out of a model until it has support).</summary>
    public void AddItem(string itemId) => IndexOf(items, itemIds, itemId ?? throw new ArgumentNullException(nameof(itemId)));

    /// <summary>Builds the matrix; <c>ItemIds[c]</c> is the id of column c, <c>UserIds[r]</c> the id of row r.</summary>
    public (InteractionMatrix Matrix, string[] UserIds, string[] ItemIds) Build()
    {
        var m = InteractionMatrix.Build(userIds.Count, itemIds.Count, userIndex.ToArray(), itemIndex.ToArray(), weights.ToArray());
        return (m, userIds.ToArray(), itemIds.ToArray());
    }

    private static int IndexOf(Dictionary<string, int> map, List<string> ids, string id)
    {
        if (!map.TryGetValue(id, out int i))
        {
            i = ids.Count;
            map.Add(id, i);
            ids.Add(id);
        }

        return i;
    }
}
