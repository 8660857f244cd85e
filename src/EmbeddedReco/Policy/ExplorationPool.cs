using System;
using EmbeddedReco.Catalog;
using EmbeddedReco.Common;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Policy;

/// <summary>
/// The epsilon-greedy exploration pool: the <see cref="PolicyOptions.ExplorationPoolSize"/> best candidates outside the greedy list
/// plus up to as many new items (fewest impressions first) wherever they rank, each weighted up when the player has not seen it
/// (<see cref="PolicyOptions.UnseenBoost"/>) and when it is new (<see cref="PolicyOptions.NewItemBoost"/>); an exploration slot
/// samples it in proportion to the weights.
/// </summary>
internal static class ExplorationPool
{
    /// <summary>
    /// Fills <see cref="PolicyScratch.PoolRows"/> with the exploration pool and <see cref="PolicyScratch.PoolWeights"/> with
    /// its sampling weights; returns the pool size.
    /// </summary>
    public static int Build(
        CatalogSnapshot catalog,
        Span<float> blended,
        PolicyScratch scratch,
        int candidates,
        int greedyN,
        PolicyOptions policy,
        ref CallFilter filter,
        FreshRows? fresh)
    {
        int pool = BestOutsideGreedy(scratch, candidates, greedyN, policy);
        var counters = catalog.Counters;
        if (policy.NewItemImpressions > 0 && fresh is not null)
        {
            pool = AddNewItems(catalog, counters, blended, scratch, greedyN, policy, ref filter, pool, fresh);
        }

        WeighPool(counters, scratch, policy, pool);
        return pool;
    }

    /// <summary>The <see cref="PolicyOptions.ExplorationPoolSize"/> best-ranked candidates outside the greedy list; returns their count.</summary>
    private static int BestOutsideGreedy(PolicyScratch scratch, int candidates, int greedyN, PolicyOptions policy)
    {
        int pool = 0;
        for (int i = 0; i < candidates && pool < policy.ExplorationPoolSize; i++)
        {
            if (i >= greedyN || !scratch.MmrTaken[i])
            {
                scratch.PoolRows[pool++] = scratch.Candidates[i];
            }
        }

        return pool;
    }

    /// <summary>
    /// Appends up to <see cref="PolicyOptions.ExplorationPoolSize"/> new items (fewest impressions first, then by id), wherever
    /// they rank, that are not already in the pool or the greedy list; returns the new pool size. Walks the maintained list of rows
    /// that may still be new (<see cref="FreshRows"/>, in that order) and stops once no row ahead can beat its picks, instead of
    /// reading the catalog.
    /// </summary>
    private static int AddNewItems(
        CatalogSnapshot catalog,
        MutableItemCounters counters,
        Span<float> blended,
        PolicyScratch scratch,
        int greedyN,
        PolicyOptions policy,
        ref CallFilter filter,
        int pool,
        FreshRows fresh)
    {
        int want = Math.Min(policy.ExplorationPoolSize, catalog.Count);
        ScratchArray.Grow(ref scratch.PoolRows, pool + want);
        ScratchArray.Grow(ref scratch.PoolWeights, pool + want);
        ScratchArray.Grow(ref scratch.PoolKeys, want);
        int stamp = MarkListed(scratch, greedyN, pool);
        int[] mark = scratch.Listed.Marks;

        var rows = fresh.Rows;
        var keys = fresh.Keys;
        long threshold = policy.NewItemImpressions;
        int n = catalog.Count;
        int picked = 0, agedOut = 0, outranked = 0;
        var pickedRows = scratch.PoolRows.AsSpan(pool, want);
        var pickedKeys = scratch.PoolKeys.AsSpan(0, want);
        for (int j = 0; j < rows.Length; j++)
        {
            if (picked == want && pickedKeys[want - 1] < keys[j])
            {
                break; // every row ahead has a key at least its listed one: none can beat the picks
            }

            int r = rows[j];
            long impressions = counters.Impressions(r);
            if (impressions >= threshold)
            {
                agedOut++;
                continue;
            }

            long key = FreshRows.KeyOf(impressions, n, catalog.IdRank[r]);
            if (picked == want && key >= pickedKeys[want - 1])
            {
                outranked++; // listed below the picks, live above them: shown since the list was built
                continue;
            }

            if (float.IsNaN(blended[r]) || mark[r] == stamp || !filter.Accept(r))
            {
                continue;
            }

            // Insert in key order (a list of at most ExplorationPoolSize entries).
            int at = picked < want ? picked++ : want - 1;
            while (at > 0 && pickedKeys[at - 1] > key)
            {
                pickedKeys[at] = pickedKeys[at - 1];
                pickedRows[at] = pickedRows[at - 1];
                at--;
            }

            pickedKeys[at] = key;
            pickedRows[at] = r;
        }

        fresh.NoteWalk(agedOut, outranked, want);
        return pool + picked;
    }

    /// <summary>
    /// Marks the rows already in the greedy list or the pool once (a stamp per catalog row in <see cref="PolicyScratch.Listed"/>)
    /// instead of searching them per listed row; returns the stamp.
    /// </summary>
    private static int MarkListed(PolicyScratch scratch, int greedyN, int pool)
    {
        int stamp = scratch.Listed.Next();
        int[] mark = scratch.Listed.Marks;
        for (int i = 0; i < greedyN; i++)
        {
            if (scratch.MmrTaken[i])
            {
                mark[scratch.Candidates[i]] = stamp;
            }
        }

        for (int i = 0; i < pool; i++)
        {
            mark[scratch.PoolRows[i]] = stamp;
        }

        return stamp;
    }

    /// <summary>
    /// Weights each pool entry by <see cref="PolicyOptions.UnseenBoost"/> when the player has not seen it (in their item states or
    /// consumed set: the rows stamped <see cref="PolicyScratch.SeenStamp"/> in <see cref="PolicyScratch.Seen"/> when the call read
    /// the player's state; stamp 0, an unknown player, has seen nothing) and by <see cref="PolicyOptions.NewItemBoost"/> when it is new.
    /// </summary>
    private static void WeighPool(MutableItemCounters counters, PolicyScratch scratch, PolicyOptions policy, int pool)
    {
        double unseenFactor = 1 + policy.UnseenBoost;
        double newFactor = 1 + policy.NewItemBoost;
        int stamp = scratch.SeenStamp;
        int[] seenMark = scratch.Seen.Marks;
        for (int i = 0; i < pool; i++)
        {
            int row = scratch.PoolRows[i];
            bool seen = stamp > 0 && seenMark[row] == stamp;
            scratch.PoolWeights[i] = (seen ? 1 : unseenFactor) * (counters.Impressions(row) < policy.NewItemImpressions ? newFactor : 1);
        }
    }

    public static double SumWeights(double[] weights, int count)
    {
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += weights[i];
        }

        return sum;
    }

    public static int Sample(double[] weights, int count, double total, double uniform)
    {
        double target = uniform * total;
        int last = -1;
        for (int i = 0; i < count; i++)
        {
            if (weights[i] <= 0)
            {
                continue;
            }

            last = i;
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        return last;
    }
}
