using System;
using System.Collections.Generic;
using System.Linq;

namespace EmbeddedReco.Evaluation;

/// <summary>
/// A train/test split of interactions for offline evaluation. Splits work on (user, item) pairs: all interactions of one pair
/// land on the same side, so a test item is never also a training item of the same user.
/// </summary>
public sealed class DataSplit
{
    private DataSplit(IReadOnlyList<Interaction> train, IReadOnlyList<Interaction> test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>The training interactions.</summary>
    public IReadOnlyList<Interaction> Train { get; }

    /// <summary>The held-out interactions; every distinct (user, item) pair in it is relevant for that user.</summary>
    public IReadOnlyList<Interaction> Test { get; }

    /// <summary>
    /// Per-user stratified random split: each user's distinct items (in ordinal id order) are shuffled with a generator seeded by
    /// <paramref name="seed"/> and the user id, and the first round(<paramref name="trainRatio"/> x count) (half to even) go to
    /// training. The result does not depend on the order of <paramref name="interactions"/>. Users with one item keep it in training.
    /// </summary>
    /// <param name="interactions">All interactions.</param>
    /// <param name="trainRatio">Fraction of each user's items used for training, strictly between 0 and 1 (0.75 in the usual protocol).</param>
    /// <param name="seed">Seed of the shuffle (42 in the usual protocol).</param>
    /// <returns>The split.</returns>
    public static DataSplit StratifiedRandom(IEnumerable<Interaction> interactions, double trainRatio, int seed)
    {
        if (!(trainRatio > 0 && trainRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(trainRatio), trainRatio, "The train ratio must be strictly between 0 and 1.");
        }

        var train = new List<Interaction>();
        var test = new List<Interaction>();
        foreach (var (user, pairs) in GroupByUser(interactions))
        {
            var rng = new Random(seed ^ StableHash(user));
            for (int i = pairs.Count - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (pairs[i], pairs[j]) = (pairs[j], pairs[i]);
            }

            int nTrain = (int)Math.Round(trainRatio * pairs.Count, MidpointRounding.ToEven);
            nTrain = Math.Max(1, Math.Min(pairs.Count, nTrain));
            for (int i = 0; i < pairs.Count; i++)
            {
                (i < nTrain ? train : test).AddRange(pairs[i].Interactions);
            }
        }

        return new DataSplit(train, test);
    }

    /// <summary>
    /// Per-user leave-last-out: each user's most recent item (latest timestamp of its interactions; ties broken by the ordinally
    /// larger item id; a missing timestamp counts as the earliest) is held out, the rest train. Users with one item keep it in training.
    /// </summary>
    /// <param name="interactions">All interactions.</param>
    /// <returns>The split.</returns>
    public static DataSplit LeaveLastOut(IEnumerable<Interaction> interactions)
    {
        var train = new List<Interaction>();
        var test = new List<Interaction>();
        foreach (var (_, pairs) in GroupByUser(interactions))
        {
            int last = -1;
            DateTimeOffset lastTime = default;
            for (int i = 0; i < pairs.Count; i++)
            {
                DateTimeOffset t = pairs[i].Interactions.Max(x => x.Timestamp ?? DateTimeOffset.MinValue);
                if (last < 0 || t > lastTime || (t == lastTime && string.CompareOrdinal(pairs[i].ItemId, pairs[last].ItemId) > 0))
                {
                    last = i;
                    lastTime = t;
                }
            }

            for (int i = 0; i < pairs.Count; i++)
            {
                (i == last && pairs.Count > 1 ? test : train).AddRange(pairs[i].Interactions);
            }
        }

        return new DataSplit(train, test);
    }

    /// <summary>An explicit split, e.g. from separate train and test files. The lists are copied.</summary>
    /// <param name="train">Training interactions.</param>
    /// <param name="test">Test interactions.</param>
    /// <returns>The split.</returns>
    public static DataSplit Explicit(IEnumerable<Interaction> train, IEnumerable<Interaction> test)
    {
        if (train is null)
        {
            throw new ArgumentNullException(nameof(train));
        }

        if (test is null)
        {
            throw new ArgumentNullException(nameof(test));
        }

        return new DataSplit(train.ToList(), test.ToList());
    }

    /// <summary>A stable (process-independent) 32-bit FNV-1a hash of a string.</summary>
    internal static int StableHash(string s)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (char c in s)
            {
                h = (h ^ c) * 16777619;
            }

            return (int)h;
        }
    }

    private static IEnumerable<(string User, List<Pair> Pairs)> GroupByUser(IEnumerable<Interaction> interactions)
    {
        if (interactions is null)
        {
            throw new ArgumentNullException(nameof(interactions));
        }

        var byUser = new Dictionary<string, Dictionary<string, Pair>>(StringComparer.Ordinal);
        foreach (var x in interactions)
        {
            if (x.UserId is null || x.ItemId is null)
            {
                throw new ArgumentException("An interaction has a null user or item id.", nameof(interactions));
            }

            if (!byUser.TryGetValue(x.UserId, out var items))
            {
                items = new Dictionary<string, Pair>(StringComparer.Ordinal);
                byUser.Add(x.UserId, items);
            }

            if (!items.TryGetValue(x.ItemId, out var pair))
            {
                pair = new Pair(x.ItemId);
                items.Add(x.ItemId, pair);
            }

            pair.Interactions.Add(x);
        }

        foreach (var user in byUser.Keys.OrderBy(u => u, StringComparer.Ordinal))
        {
            var pairs = byUser[user].Values.OrderBy(p => p.ItemId, StringComparer.Ordinal).ToList();
            yield return (user, pairs);
        }
    }

    private sealed class Pair
    {
        public Pair(string itemId) => ItemId = itemId;

        public string ItemId { get; }

        public List<Interaction> Interactions { get; } = new();
    }
}
