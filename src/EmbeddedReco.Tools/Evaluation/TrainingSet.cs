using System;
using System.Collections.Generic;
using System.Linq;

namespace EmbeddedReco.Evaluation;

/// <summary>
/// The training side of an evaluation, as handed to <see cref="IRecommenderUnderTest.Train"/>: the interactions plus lookups that
/// most recommenders need (each user's items, item popularity, the candidate catalog).
/// </summary>
public sealed class TrainingSet
{
    private static readonly IReadOnlyCollection<string> NoItems = Array.Empty<string>();
    private readonly Dictionary<string, HashSet<string>> itemsByUser;
    private readonly Dictionary<string, int> popularity;

    /// <summary>Creates a training set.</summary>
    /// <param name="interactions">Training interactions (copied).</param>
    /// <param name="catalogItemIds">Extra items that may be recommended although nobody interacted with them in training
    /// (e.g. the whole catalog of an items file). Null (the default) means the training items only.</param>
    public TrainingSet(IEnumerable<Interaction> interactions, IEnumerable<string>? catalogItemIds = null)
    {
        if (interactions is null)
        {
            throw new ArgumentNullException(nameof(interactions));
        }

        Interactions = interactions.ToList();
        itemsByUser = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        popularity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var x in Interactions)
        {
            if (x.UserId is null || x.ItemId is null)
            {
                throw new ArgumentException("An interaction has a null user or item id.", nameof(interactions));
            }

            if (!itemsByUser.TryGetValue(x.UserId, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                itemsByUser.Add(x.UserId, set);
            }

            if (set.Add(x.ItemId))
            {
                popularity.TryGetValue(x.ItemId, out int c);
                popularity[x.ItemId] = c + 1;
            }
        }

        var catalog = new HashSet<string>(popularity.Keys, StringComparer.Ordinal);
        if (catalogItemIds != null)
        {
            foreach (var id in catalogItemIds)
            {
                if (id != null)
                {
                    catalog.Add(id);
                }
            }
        }

        ItemIds = catalog.OrderBy(i => i, StringComparer.Ordinal).ToArray();
        UserIds = itemsByUser.Keys.OrderBy(u => u, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The training interactions.</summary>
    public IReadOnlyList<Interaction> Interactions { get; }

    /// <summary>Users with at least one training interaction, in ordinal order.</summary>
    public IReadOnlyList<string> UserIds { get; }

    /// <summary>Every item that may be recommended (training items plus the extra catalog), in ordinal order.</summary>
    public IReadOnlyList<string> ItemIds { get; }

    /// <summary>The distinct items a user interacted with in training (empty for an unknown user). Recommenders must not return them.</summary>
    /// <param name="userId">The user.</param>
    /// <returns>The user's training items.</returns>
    public IReadOnlyCollection<string> ItemsOf(string userId) =>
        userId != null && itemsByUser.TryGetValue(userId, out var set) ? set : NoItems;

    /// <summary>Whether the user interacted with the item in training.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="itemId">The item.</param>
    /// <returns>True when the pair is in the training data.</returns>
    public bool Contains(string userId, string itemId) =>
        userId != null && itemId != null && itemsByUser.TryGetValue(userId, out var set) && set.Contains(itemId);

    /// <summary>Number of distinct training users who interacted with the item (0 when none).</summary>
    /// <param name="itemId">The item.</param>
    /// <returns>The item's popularity.</returns>
    public int Popularity(string itemId) => itemId != null && popularity.TryGetValue(itemId, out int c) ? c : 0;
}
