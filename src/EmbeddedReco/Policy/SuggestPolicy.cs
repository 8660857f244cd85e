using System;
using EmbeddedReco.Catalog;
using EmbeddedReco.Common;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Policy;

/// <summary>What the list policy needs of one call: the blended scores and the player's state, already read by the engine.</summary>
internal ref struct PolicyRequest
{
    /// <summary>The catalog the scores are for (entered by the caller).</summary>
    public CatalogSnapshot Catalog;

    /// <summary>The blended score of every catalog row (NaN = excluded by a scorer); the policy writes exclusions and penalties into it.</summary>
    public Span<float> Blended;

    /// <summary>Rows excluded for this player (consumed, in cooldown).</summary>
    public ReadOnlySpan<int> ExcludedRows;

    /// <summary>The player's shown-list memory (recent-list penalty, seed stream), or null.</summary>
    public RecentLists? Recent;

    /// <summary>The player's id (the default seed stream is derived from it).</summary>
    public string UserId;

    /// <summary>The player's positive interactions (epsilon decay).</summary>
    public long Positives;

    /// <summary>Whether the player has a profile vector (greedy slots are then <see cref="SuggestionSource.Personalized"/>).</summary>
    public bool HasProfile;

    /// <summary>How many items to pick (at most the catalog size).</summary>
    public int Count;

    /// <summary>
    /// Set when the blended scores came from the int8 scan: the candidates (plus a margin) are rescored in float32 and re-ranked
    /// before diversity and exploration, so the list's order and scores are exact. Null: the scores are exact already.
    /// </summary>
    public CandidateRescorer? Rescorer;
}

/// <summary>
/// The list policy, steps 3-8 of a <c>Suggest</c>: hard exclusions and the recent-list penalty, candidates by top-N with the
/// call's filters inside the selection, MMR diversity with an optional per-tag cap, the exploration pool (candidates outside the
/// greedy list plus new items), epsilon-greedy slots with exact propensities, and the shown-list memory. Pure given its inputs and
/// the seed: no I/O, no engine, no lock but the player's own; allocation-free with a reused <see cref="PolicyScratch"/>.
/// </summary>
internal sealed class SuggestPolicy
{
    private readonly PolicyOptions _options;
    private FreshRows? _fresh; // the rows that may still be new, for the current catalog (shared by every thread)
    private CatalogSnapshot? _compactionDue; // set by a call that found _fresh due for compaction: its catalog (null: nothing due)

    public SuggestPolicy(PolicyOptions options)
    {
        _options = options;
    }

    /// <summary>The engine's policy settings.</summary>
    public PolicyOptions Options => _options;

    /// <summary>The exploration pool's current list of rows that may still be new (null before the first exploring call).</summary>
    internal FreshRows? Fresh => System.Threading.Volatile.Read(ref _fresh);

    /// <summary>How many candidates a list of <paramref name="count"/> from <paramref name="items"/> items considers.</summary>
    public int CandidateCount(int items, int count) => Math.Min(items, GreedyPool(items, count) + _options.ExplorationPoolSize);

    /// <summary>
    /// Chooses the list: writes <see cref="PolicyScratch.Picks"/>[0..n) and returns n. <paramref name="penalized"/> is the number
    /// of rows in <see cref="PolicyScratch.PenalizedRows"/> that got the recent-list penalty (for the breakdown).
    /// </summary>
    public int Select(in PolicyRequest request, in SuggestSettings settings, PolicyScratch scratch, out int penalized)
    {
        var catalog = request.Catalog;
        Span<float> blended = request.Blended;
        int n = catalog.Count;
        int count = request.Count;
        int greedyPool = GreedyPool(n, count);
        int candidateCount = Math.Min(n, greedyPool + _options.ExplorationPoolSize);
        double epsilon = settings.EpsilonFor(_options, request.Positives);
        if (epsilon <= 0 && settings.Diversity >= 1 && settings.MaxPerTag <= 0)
        {
            // Pure relevance: MMR with lambda 1 keeps the candidates' order and no slot explores, so the best `count` are the list.
            greedyPool = candidateCount = Math.Min(n, count);
        }

        // 3. Hard exclusions (consumed, cooldown) and the recent-list penalty.
        foreach (int row in request.ExcludedRows)
        {
            blended[row] = float.NaN;
        }

        penalized = RecentPenalty.Apply(request.Recent, catalog, blended, scratch, _options);

        // 4. Candidates: filters apply inside the selection, so heavy filtering never shortens the list while items pass.
        var filter = new CallFilter(catalog.Ids, catalog.Tags, settings.Call);
        int candidates;
        int ordered = count + (epsilon > 0 ? _options.ExplorationPoolSize : 0); // the candidates the pool may read in order
        bool asSet = settings.MaxPerTag <= 0 && ordered < greedyPool; // the greedy candidates as a set, the best `ordered` sorted
        if (request.Rescorer is { } rescorer)
        {
            int wanted = Math.Min(n, candidateCount + CandidateRescorer.Margin(candidateCount));
            ScratchArray.Grow(ref scratch.Candidates, wanted);
            ScratchArray.Grow(ref scratch.CandidateScores, wanted);
            // Selected, not sorted: rescoring changes the scores, so the candidates are ranked once, after it, as the exact path
            // below ranks them (without a tag cap: the greedy candidates as a set, the best `ordered` of them sorted).
            candidates = TopK.SelectBest(blended, catalog.IdRank, wanted, 1, ref filter, scratch.Candidates, scratch.CandidateScores);
            candidates = Rescore(rescorer, blended, scratch, candidates, asSet ? greedyPool : candidateCount, asSet ? ordered : candidateCount, penalized, catalog.IdRank);
        }
        else if (asSet)
        {
            // Without a tag cap, MMR reads the greedy candidates as a set (ties compared by rank) and the exploration pool reads at
            // most the best count + ExplorationPoolSize in order (it takes the best that are not in the list): only those are
            // sorted, and the candidates past the greedy ones are never read. Same lists as a sort of all candidates.
            candidates = TopK.SelectBest(blended, catalog.IdRank, greedyPool, ordered, ref filter, scratch.Candidates, scratch.CandidateScores);
        }
        else
        {
            candidates = TopK.Select(blended, catalog.IdRank, candidateCount, ref filter, scratch.Candidates, scratch.CandidateScores);
        }

        // 5. Diversity: MMR over the greedy candidates (all candidates under a tag cap, so the cap can be met).
        int greedyN = settings.MaxPerTag > 0 ? candidates : Math.Min(greedyPool, candidates);
        int greedy = Mmr.Select(
            catalog,
            new ReadOnlySpan<int>(scratch.Candidates, 0, greedyN),
            new ReadOnlySpan<float>(scratch.CandidateScores, 0, greedyN),
            count,
            settings.Diversity,
            settings.MaxPerTag,
            scratch,
            scratch.Picked);

        // 6. Exploration pool: candidates outside the greedy list, plus new items by fewest impressions.
        var fresh = epsilon > 0 && _options.NewItemImpressions > 0 ? FreshRows.For(ref _fresh, catalog.Counters, catalog.IdRank, _options.NewItemImpressions) : null;
        int pool = epsilon > 0 ? ExplorationPool.Build(catalog, blended, scratch, candidates, greedyN, _options, ref filter, fresh) : 0;
        if (fresh is { CompactionDue: true } && System.Threading.Volatile.Read(ref _compactionDue) is null)
        {
            System.Threading.Volatile.Write(ref _compactionDue, catalog); // for the writer thread: CompactIfDue
        }

        // 7. Epsilon-greedy, slot by slot.
        var rng = new PolicyRandom(SeedOf(request, settings));
        var greedySource = request.HasProfile ? SuggestionSource.Personalized : SuggestionSource.Popular;
        return FillSlots(scratch, count, greedy, pool, epsilon, ref rng, greedySource);
    }

    /// <summary>
    /// 8. Remembers a shown list: the player's seed stream advances and the list joins the recent-list memory (stored with the
    /// profile at the next flush, checkpoint or profile write, not per call: a list shown queues no write). <paramref name="picks"/>:
    /// the list's picks in the catalog of <paramref name="generation"/>, so the next call's penalty finds their rows without a
    /// lookup (empty: looked up by id).
    /// </summary>
    public void MarkShown(RecentLists recent, ReadOnlySpan<Suggestion> list, ReadOnlySpan<PolicyPick> picks = default, long generation = 0)
    {
        lock (recent.Gate)
        {
            recent.Calls++;
            recent.Remember(list, _options.RecentLists, picks, generation);
            recent.Dirty = true;
        }
    }

    /// <summary>
    /// Rescores the int8 candidates (in any order) in float32 (minus the recent-list penalty where it applied), writes the exact
    /// scores back into the blended scores, keeps the best <paramref name="keep"/> and sorts the best <paramref name="sorted"/> of
    /// them (score, then id; <see cref="TopK.Order"/>); returns how many are kept.
    /// </summary>
    private int Rescore(CandidateRescorer rescorer, Span<float> blended, PolicyScratch scratch, int candidates, int keep, int sorted, int penalized, int[] idRank)
    {
        float penalty = (float)_options.RecentListPenalty;
        var rows = new ReadOnlySpan<int>(scratch.Candidates, 0, candidates);
        rescorer.Prefetch(rows);
        rescorer.Rescore(rows, scratch.CandidateScores);
        for (int i = 0; i < candidates; i++)
        {
            int row = rows[i];
            float exact = scratch.CandidateScores[i];
            if (Array.IndexOf(scratch.PenalizedRows, row, 0, penalized) >= 0)
            {
                exact -= penalty;
            }

            blended[row] = exact;
            scratch.CandidateScores[i] = exact;
        }

        return TopK.Order(scratch.Candidates, scratch.CandidateScores, blended, idRank, candidates, keep, sorted);
    }

    /// <summary>
    /// Compacts the exploration pool's new-item list when a call found it due. The engine's writer thread runs it after each commit
    /// (<see cref="Storage.IStoreHost.AfterCommit"/>): it allocates and sorts, so it stays off the callers' threads (a game's, in a
    /// frame), and the list in use stays exact meanwhile. Inside the catalog, so its arrays cannot be recycled during the work; a
    /// catalog closed meanwhile is skipped (the next call rebuilds the list for the current one).
    /// </summary>
    public void CompactIfDue()
    {
        var catalog = System.Threading.Interlocked.Exchange(ref _compactionDue, null);
        if (catalog is null || !catalog.TryEnter())
        {
            return;
        }

        try
        {
            FreshRows.Compact(ref _fresh, catalog.Counters, catalog.IdRank, _options.NewItemImpressions);
        }
        finally
        {
            catalog.Exit();
        }
    }

    private int GreedyPool(int items, int count) => Math.Min(items, Math.Max(count, count * _options.CandidateMultiplier));

    /// <summary>
    /// The call's seed; without one, the player's own stream: (engine seed, player id, lists shown so far), persisted with the
    /// profile, so the same state gives the same list in this process or after a restart, whatever other players do.
    /// </summary>
    private ulong SeedOf(in PolicyRequest request, in SuggestSettings settings)
    {
        if (settings.Seed is int s)
        {
            return PolicyRandom.Derive(s, 0);
        }

        long shownBefore = 0;
        if (request.Recent is { } recent)
        {
            lock (recent.Gate)
            {
                shownBefore = recent.Calls;
            }
        }

        return PolicyRandom.ForPlayer(_options.Seed, request.UserId, shownBefore);
    }

    /// <summary>
    /// Fills the slots: each slot explores with probability epsilon while both the greedy list and the pool have items left
    /// (then the only source left fills it with probability 1); an explored slot samples the pool in proportion to the weights
    /// left. The propensity of each pick is exact: the slot's probability times the pick's share of the pool.
    /// </summary>
    private static int FillSlots(PolicyScratch scratch, int count, int greedy, int pool, double epsilon, ref PolicyRandom rng, SuggestionSource greedySource)
    {
        double poolWeight = ExplorationPool.SumWeights(scratch.PoolWeights, pool);
        int written = 0, gi = 0;
        while (written < count)
        {
            bool greedyLeft = gi < greedy;
            bool poolLeft = poolWeight > 0;
            if (!greedyLeft && !poolLeft)
            {
                break;
            }

            bool explore;
            double slotProbability;
            if (greedyLeft && poolLeft)
            {
                explore = rng.NextDouble() < epsilon;
                slotProbability = explore ? epsilon : 1 - epsilon;
            }
            else
            {
                explore = !greedyLeft;
                slotProbability = 1;
            }

            if (!explore)
            {
                scratch.Picks[written++] = new PolicyPick(scratch.Candidates[scratch.Picked[gi++]], greedySource, slotProbability);
                continue;
            }

            int pick = ExplorationPool.Sample(scratch.PoolWeights, pool, poolWeight, rng.NextDouble());
            double propensity = slotProbability * scratch.PoolWeights[pick] / poolWeight;
            scratch.PoolWeights[pick] = 0;
            poolWeight = ExplorationPool.SumWeights(scratch.PoolWeights, pool);
            scratch.Picks[written++] = new PolicyPick(scratch.PoolRows[pick], SuggestionSource.Explore, propensity);
        }

        return written;
    }
}
