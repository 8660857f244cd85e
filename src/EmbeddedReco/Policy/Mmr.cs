using System;
using EmbeddedReco.Catalog;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Policy;

/// <summary>
/// Maximal Marginal Relevance (Carbonell and Goldstein, 1998) over the greedy candidates, with an optional per-tag cap.
/// Step t picks the candidate maximizing lambda x rel(c) - (1 - lambda) x max over picked p of cos(c, p), where rel is the
/// blended score min-max normalized over the candidates to 0..1 and cos the dot of the normalized item rows. Ties go to the
/// better-ranked candidate (higher blended score, then lower id), compared as such: the candidates need arrive sorted only up to
/// the list's length (the first pick is the first candidate, and without diversity the first ones are the list), so the top-N may
/// leave the others unsorted (<see cref="TopK.SelectBest"/>). Deterministic: it adds no randomness to the propensity.
/// </summary>
internal static class Mmr
{
    /// <summary>Writes the positions (into <paramref name="candidates"/>) of the picked items, in pick order; returns how many.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    public static int Select(
        CatalogSnapshot catalog,
        ReadOnlySpan<int> candidates,
        ReadOnlySpan<float> relevance,
        int count,
        double lambda,
        int maxPerTag,
        PolicyScratch scratch,
        Span<int> picked)
    {
        int n = candidates.Length;
        count = Math.Min(count, n);
        if (count <= 0)
        {
            return 0;
        }

        Span<float> rel = scratch.MmrRelevance.AsSpan(0, n);
        Span<float> maxSim = scratch.MmrMaxSim.AsSpan(0, n);
        Span<bool> taken = scratch.MmrTaken.AsSpan(0, n);
        taken.Clear();
        maxSim.Fill(float.NegativeInfinity);

        MinMax.Range(relevance.Slice(0, n), out float min, out float max);
        float scale = MinMax.Scale(min, max);
        for (int i = 0; i < n; i++)
        {
            rel[i] = (relevance[i] - min) * scale;
        }

        bool diversify = lambda < 1.0;
        bool capTags = maxPerTag > 0;
        if (!capTags && float.IsFinite(min) && float.IsFinite(max) && float.IsFinite(scale))
        {
            // Finite relevance falls with the candidates' order (best first; ties keep it), so the first pick is the first
            // candidate and, without diversity, so is every next one: the same picks as the loop below, without its passes.
            if (!diversify)
            {
                for (int i = 0; i < count; i++)
                {
                    picked[i] = i;
                }

                return count;
            }

            return Diversify(catalog, candidates, relevance, lambda, count, scratch, picked);
        }

        return General(catalog, candidates, relevance, lambda, count, maxPerTag, scratch, picked);
    }

    /// <summary>
    /// The general loop (a tag cap, or relevance with infinite ends): each step picks by <see cref="Pick"/> (under the cap
    /// first, without it when nothing fits), then raises the candidates' highest similarity to the pick. Reads the normalized
    /// relevance, highest similarities and taken marks <see cref="Select"/> set up in the scratch.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    private static int General(
        CatalogSnapshot catalog,
        ReadOnlySpan<int> candidates,
        ReadOnlySpan<float> relevance,
        double lambda,
        int count,
        int maxPerTag,
        PolicyScratch scratch,
        Span<int> picked)
    {
        int n = candidates.Length;
        Span<float> maxSim = scratch.MmrMaxSim.AsSpan(0, n);
        Span<bool> taken = scratch.MmrTaken.AsSpan(0, n);
        bool diversify = lambda < 1.0;
        bool capTags = maxPerTag > 0;
        int dims = catalog.Dimensions;
        ReadOnlySpan<float> rows = diversify ? Gather(catalog, candidates, scratch) : default;
        int tagCount = 0;
        int chosen = 0;
        for (; chosen < count; chosen++)
        {
            int best = Pick(catalog, candidates, relevance, lambda, diversify, chosen, capTags, maxPerTag, scratch, tagCount);
            if (best < 0 && capTags)
            {
                best = Pick(catalog, candidates, relevance, lambda, diversify, chosen, false, 0, scratch, tagCount);
            }

            if (best < 0)
            {
                break;
            }

            taken[best] = true;
            picked[chosen] = best;
            if (capTags)
            {
                tagCount = CountTags(catalog.Tags[candidates[best]], scratch, tagCount);
            }

            if (diversify && chosen + 1 < count)
            {
                // One kernel call per pick over the gathered rows: the same per-row arithmetic as VectorKernels.Dot (same bits),
                // without a dispatch per pair.
                Span<float> sims = scratch.MmrSims.AsSpan(0, n);
                VectorKernels.DotRows(rows, dims, rows.Slice(best * dims, dims), sims);
                for (int i = 0; i < n; i++)
                {
                    if (!taken[i] && sims[i] > maxSim[i])
                    {
                        maxSim[i] = sims[i];
                    }
                }
            }
        }

        return chosen;
    }

    /// <summary>
    /// MMR without a tag cap over finite relevance (so the first pick is the first candidate), lazily: a candidate's highest
    /// similarity to the picked items only grows, so its value only falls, and the value it had when last brought up to date is an
    /// upper bound. Each step brings up to date only the candidate with the best bound (ties by rank) until that one is up to date:
    /// it is then the step's pick, the same one the general loop's full pass finds (the same arithmetic: each similarity the bits of
    /// <see cref="VectorKernels.Dot"/>, the same value formula and ties), at a few dot products per step instead of one per
    /// candidate. The second step computes every candidate's similarity to the first pick (one call of the four-rows-per-step kernel).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    private static int Diversify(
        CatalogSnapshot catalog,
        ReadOnlySpan<int> candidates,
        ReadOnlySpan<float> relevance,
        double lambda,
        int count,
        PolicyScratch scratch,
        Span<int> picked)
    {
        int n = candidates.Length;
        ReadOnlySpan<float> rel = scratch.MmrRelevance.AsSpan(0, n);
        Span<float> maxSim = scratch.MmrMaxSim.AsSpan(0, n);
        Span<bool> taken = scratch.MmrTaken.AsSpan(0, n);
        Span<double> bound = scratch.MmrBound.AsSpan(0, n);
        Span<int> upTo = scratch.MmrUpTo.AsSpan(0, n); // how many picks a candidate's highest similarity includes
        ReadOnlySpan<int> idRank = catalog.IdRank;
        double dissimilarity = 1 - lambda;
        taken[0] = true;
        picked[0] = 0;
        int chosen = 1;
        if (count == 1)
        {
            return chosen;
        }

        VectorKernels.DotRowsAt(catalog.Vectors, catalog.Dimensions, candidates, catalog.Row(candidates[0]), maxSim);
        for (int i = 0; i < n; i++)
        {
            bound[i] = (lambda * rel[i]) - (dissimilarity * maxSim[i]);
            upTo[i] = 1;
        }

        while (chosen < count)
        {
            int best;
            while (true)
            {
                best = BestBound(bound, taken, candidates, relevance, idRank);
                if (best < 0)
                {
                    return chosen;
                }

                if (upTo[best] == chosen)
                {
                    break;
                }

                var row = catalog.Row(candidates[best]);
                float most = maxSim[best];
                for (int p = upTo[best]; p < chosen; p++)
                {
                    float sim = VectorKernels.Dot(row, catalog.Row(candidates[picked[p]]));
                    most = sim > most ? sim : most;
                }

                maxSim[best] = most;
                bound[best] = (lambda * rel[best]) - (dissimilarity * most);
                upTo[best] = chosen;
            }

            taken[best] = true;
            picked[chosen++] = best;
        }

        return chosen;
    }

    /// <summary>The candidate not taken with the highest bound, ties to the better-ranked one; -1 when every one is taken.</summary>
    private static int BestBound(ReadOnlySpan<double> bound, ReadOnlySpan<bool> taken, ReadOnlySpan<int> candidates, ReadOnlySpan<float> relevance, ReadOnlySpan<int> idRank)
    {
        int best = -1;
        double bestValue = double.NegativeInfinity;
        for (int i = 0; i < bound.Length; i++)
        {
            if (taken[i])
            {
                continue;
            }

            double value = bound[i];
            if (value > bestValue || (value == bestValue && RanksBefore(i, best, candidates, relevance, idRank)))
            {
                bestValue = value;
                best = i;
            }
        }

        return best;
    }

    /// <summary>Copies the candidates' rows into one contiguous block (candidates x dimensions) of the scratch.</summary>
    private static ReadOnlySpan<float> Gather(CatalogSnapshot catalog, ReadOnlySpan<int> candidates, PolicyScratch scratch)
    {
        int dims = catalog.Dimensions;
        Common.ScratchArray.Grow(ref scratch.MmrRows, candidates.Length * dims);
        var rows = scratch.MmrRows.AsSpan(0, candidates.Length * dims);
        for (int i = 0; i < candidates.Length; i++)
        {
            catalog.Row(candidates[i]).CopyTo(rows.Slice(i * dims, dims));
        }

        return rows;
    }

    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    private static int Pick(
        CatalogSnapshot catalog,
        ReadOnlySpan<int> candidates,
        ReadOnlySpan<float> relevance,
        double lambda,
        bool diversify,
        int chosen,
        bool capTags,
        int maxPerTag,
        PolicyScratch scratch,
        int tagCount)
    {
        int n = candidates.Length;
        ReadOnlySpan<float> rel = scratch.MmrRelevance.AsSpan(0, n);
        ReadOnlySpan<float> maxSim = scratch.MmrMaxSim.AsSpan(0, n);
        ReadOnlySpan<bool> taken = scratch.MmrTaken.AsSpan(0, n);
        int best = -1;
        double bestValue = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            if (taken[i] || (capTags && OverCap(catalog.Tags[candidates[i]], scratch, tagCount, maxPerTag)))
            {
                continue;
            }

            double value = diversify && chosen > 0 ? (lambda * rel[i]) - ((1 - lambda) * maxSim[i]) : rel[i];
            if (value > bestValue || (value == bestValue && RanksBefore(i, best, candidates, relevance, catalog.IdRank)))
            {
                bestValue = value;
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// On a tie in value: whether candidate <paramref name="i"/> ranks above the best so far (higher blended score, then lower id),
    /// which is what a strict '>' in candidate order gives when the candidates are sorted.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool RanksBefore(int i, int best, ReadOnlySpan<int> candidates, ReadOnlySpan<float> relevance, ReadOnlySpan<int> idRank) =>
        best >= 0 && TopK.Better(relevance[i], candidates[i], relevance[best], candidates[best], idRank);

    private static bool OverCap(string[] tags, PolicyScratch scratch, int tagCount, int maxPerTag)
    {
        foreach (string tag in tags)
        {
            int at = Array.IndexOf(scratch.TagNames, tag, 0, tagCount);
            if (at >= 0 && scratch.TagCounts[at] >= maxPerTag)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountTags(string[] tags, PolicyScratch scratch, int tagCount)
    {
        foreach (string tag in tags)
        {
            int at = Array.IndexOf(scratch.TagNames, tag, 0, tagCount);
            if (at >= 0)
            {
                scratch.TagCounts[at]++;
            }
            else if (tagCount < scratch.TagNames.Length)
            {
                scratch.TagNames[tagCount] = tag;
                scratch.TagCounts[tagCount] = 1;
                tagCount++;
            }
        }

        return tagCount;
    }
}
