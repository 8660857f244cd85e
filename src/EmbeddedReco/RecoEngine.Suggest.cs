using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;
using EmbeddedReco.Scoring;
using EmbeddedReco.Storage;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    private const string RecentPenaltyName = "policy:recent";

    /// <summary>Suggests <see cref="RecoEngineOptions.DefaultCount"/> items for a player, with the engine's default policy.</summary>
    /// <param name="userId">The player's id. An unknown player is not an error: they get the cold-start (popular) list.</param>
    /// <returns>Up to DefaultCount suggestions, best first, each with a <see cref="Suggestion.Breakdown"/> (fewer when fewer items are
    /// eligible; empty for an empty catalog).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId) => SuggestList(userId, _options.DefaultCount, null);

    /// <summary>Suggests up to <paramref name="count"/> items for a player (allocates the returned list).</summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="count">How many suggestions, at least 1; clamped to the catalog size.</param>
    /// <returns>The suggestions, best first, each with a breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId, int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        }

        return SuggestList(userId, count, null);
    }

    /// <summary>Suggests items for a player with per-call options (count, epsilon, diversity, seed, filters, context).</summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="options">The call's options; null = defaults.</param>
    /// <returns>The suggestions, best first, each with a breakdown.</returns>
    /// <exception cref="ArgumentException">An option is invalid (the message names it), or the id is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId, SuggestOptions? options) =>
        SuggestList(userId, options?.Count ?? _options.DefaultCount, options);

    /// <summary>
    /// Fills a caller-owned buffer with suggestions, best first, and returns how many were written. Allocation-free in steady
    /// state and does no I/O: the overload for game loops.
    /// </summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="destination">Where to write; its length is the requested count (at least 1).</param>
    /// <returns>The number of suggestions written: min(destination length, eligible items).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is empty, or <paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int Suggest(string userId, Span<Suggestion> destination) => SuggestCore(userId, destination, null, explain: false, validated: true);

    /// <summary>
    /// Fills a caller-owned buffer with suggestions under per-call options. Allocation-free in steady state (exploration, MMR and
    /// filters included) unless <see cref="SuggestOptions.Explain"/> is set. <see cref="SuggestOptions.Count"/> is ignored: the
    /// buffer's length is the count.
    /// </summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="destination">Where to write; its length is the requested count (at least 1).</param>
    /// <param name="options">The call's options; null = defaults.</param>
    /// <returns>The number of suggestions written.</returns>
    /// <exception cref="ArgumentException">An option is invalid, <paramref name="destination"/> is empty, or the id is bad.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int Suggest(string userId, Span<Suggestion> destination, SuggestOptions? options) =>
        SuggestCore(userId, destination, options, options?.Explain ?? false, validated: false);

    /// <summary>The state of every registered scorer (weight, enabled, faults, slow calls, probation) at the engine clock's now; a
    /// disabled scorer whose <see cref="ScorerCollection.RecoveryPeriod"/> has passed comes back here or at the next Suggest.</summary>
    /// <returns>One entry per scorer, in blending order.</returns>
    public IReadOnlyList<ScorerStatus> GetScorers()
    {
        ThrowIfDisposed();
        return _pipeline.Status(NowTicks());
    }

    /// <summary>Re-enables a scorer that was disabled after repeated faults, at once and without probation (a scorer also comes
    /// back on its own after <see cref="ScorerCollection.RecoveryPeriod"/>).</summary>
    /// <param name="name">The scorer's name.</param>
    /// <returns>True when a scorer with that name is registered.</returns>
    public bool EnableScorer(string name)
    {
        ThrowIfDisposed();
        return _pipeline.Enable(name);
    }

    private IReadOnlyList<Suggestion> SuggestList(string userId, int count, SuggestOptions? options)
    {
        ThrowIfDisposed();
        options?.Validate();
        int capacity = Math.Min(count, Math.Max(1, ItemCount));
        var buffer = new Suggestion[capacity];
        int written = SuggestCore(userId, buffer.AsSpan(), options, explain: true, validated: true);
        if (written < buffer.Length)
        {
            Array.Resize(ref buffer, written);
        }

        return buffer;
    }

    private int SuggestCore(string userId, Span<Suggestion> destination, SuggestOptions? options, bool explain, bool validated)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        if (destination.IsEmpty)
        {
            throw new ArgumentException("The destination buffer must have room for at least one suggestion.", nameof(destination));
        }

        if (!validated)
        {
            options?.Validate();
        }

        // The catalog's arrays are used outside any lock: enter it so a snapshot load cannot recycle them meanwhile. Catalog,
        // profiles and model are taken as one consistent set: a snapshot load swaps all three between two version increments.
        CatalogSnapshot catalog;
        ConcurrentDictionary<string, UserState> users;
        TrainedModel? trained;
        while (true)
        {
            long version = Volatile.Read(ref _stateVersion);
            catalog = EnterCatalog();
            users = Volatile.Read(ref _users);
            trained = Volatile.Read(ref _model);
            Interlocked.MemoryBarrier();
            if ((version & 1) == 0 && Volatile.Read(ref _stateVersion) == version)
            {
                break;
            }

            catalog.Exit();
            Thread.Yield();
        }

        try
        {
            return catalog.Count == 0 ? 0 : SuggestFrom(catalog, users, trained, userId, destination, options, explain);
        }
        finally
        {
            catalog.Exit();
        }
    }

    private int SuggestFrom(
        CatalogSnapshot catalog,
        ConcurrentDictionary<string, UserState> users,
        TrainedModel? trained,
        string userId,
        Span<Suggestion> destination,
        SuggestOptions? options,
        bool explain)
    {
        options = ApplyVariant(userId, options, out string? variant);
        var policy = _options.Policy;
        int n = catalog.Count;
        int dims = catalog.Dimensions;
        int count = Math.Min(destination.Length, n);
        double epsilon = options?.Epsilon ?? policy.Epsilon;
        double lambda = options?.Diversity ?? policy.Diversity;
        int maxPerTag = options?.MaxPerTag ?? policy.MaxPerTag ?? 0;
        bool includeConsumed = options?.IncludeConsumed ?? false;
        long now = NowTicks();
        int greedyPool = Math.Min(n, Math.Max(count, count * policy.CandidateMultiplier));
        int candidateCount = Math.Min(n, greedyPool + policy.ExplorationPoolSize);
        var scratch = SuggestScratch.For(n, dims, _pipeline.Count, candidateCount, count);

        // 1. The player's state, copied under the player's own short lock.
        Span<float> query = scratch.Query.AsSpan(0, dims);
        bool hasProfile = false;
        long interactions = 0, positives = 0;
        int historyCount = 0, excludedCount = 0;
        if (users.TryGetValue(userId, out var user))
        {
            lock (user.Gate)
            {
                interactions = user.InteractionCount;
                positives = user.PositiveCount;
                if (positives > 0)
                {
                    user.Vector.AsSpan().CopyTo(query);
                    hasProfile = true;
                }

                SuggestScratch.Grow(ref scratch.History, user.Items.Count);
                SuggestScratch.Grow(ref scratch.ExcludedRows, user.Items.Count + user.Consumed.Count);
                foreach (var pair in user.Items)
                {
                    var st = pair.Value;
                    if (st.Weight != 0)
                    {
                        scratch.History[historyCount++] = new UserHistoryEntry(pair.Key, st.Weight, new DateTimeOffset(st.WeightTicks, TimeSpan.Zero));
                    }

                    if (st.CooldownUntilTicks > now && catalog.Index.TryGetValue(pair.Key, out int row))
                    {
                        scratch.ExcludedRows[excludedCount++] = row;
                    }
                }

                if (!includeConsumed)
                {
                    foreach (string id in user.Consumed)
                    {
                        if (catalog.Index.TryGetValue(id, out int row))
                        {
                            scratch.ExcludedRows[excludedCount++] = row;
                        }
                    }
                }
            }
        }

        if (hasProfile && VectorKernels.NormalizeInto(query, query) == 0)
        {
            hasProfile = false;
        }

        if (options?.Epsilon is null && policy.EpsilonDecayInteractions > 0)
        {
            double d = policy.EpsilonDecayInteractions;
            epsilon = Math.Max(Math.Min(policy.MinEpsilon, epsilon), epsilon * d / (d + positives));
        }

        // 2. Scorers, blended. The history is mapped to the served model's items once, for the collaborative scorer and for the
        // content/collaborative hand-over.
        int known = MapHistoryToModel(trained, new ReadOnlySpan<UserHistoryEntry>(scratch.History, 0, historyCount), now, scratch);
        float confidence = known == 0 ? 0f : (float)(known / (known + _options.CollaborativeConfidence));
        Span<float> blended = scratch.Blended.AsSpan(0, n);
        var context = new ScoringContext(
            userId,
            hasProfile ? query : ReadOnlySpan<float>.Empty,
            new ReadOnlySpan<UserHistoryEntry>(scratch.History, 0, historyCount),
            interactions,
            positives,
            catalog,
            _popularityDecay,
            now,
            options?.Context,
            trained,
            new ReadOnlySpan<int>(scratch.ModelItems, 0, known),
            new ReadOnlySpan<float>(scratch.ModelWeights, 0, known),
            confidence);
        _pipeline.Run(in context, scratch.PerScorer, blended, scratch.WeightsUsed, options?.ScorerWeights, now, 1f - confidence);

        // 3. Hard exclusions (consumed, cooldown) and the recent-list penalty.
        for (int i = 0; i < excludedCount; i++)
        {
            blended[scratch.ExcludedRows[i]] = float.NaN;
        }

        int penalized = RecentPenalty.Apply(_recent.TryGetValue(userId, out var recentLists) ? recentLists : null, catalog, blended, scratch, policy);

        // 4. Candidates: filters apply inside the selection, so heavy filtering never shortens the list while items pass.
        var filter = new CallFilter(catalog.Ids, catalog.Tags, options);
        int candidates = TopK.Select(blended, catalog.IdRank, candidateCount, ref filter, scratch.Candidates, scratch.CandidateScores);

        // 5. Diversity: MMR over the greedy candidates (all candidates under a tag cap, so the cap can be met).
        int greedyN = maxPerTag > 0 ? candidates : Math.Min(greedyPool, candidates);
        int greedy = Mmr.Select(
            catalog,
            new ReadOnlySpan<int>(scratch.Candidates, 0, greedyN),
            new ReadOnlySpan<float>(scratch.CandidateScores, 0, greedyN),
            count,
            lambda,
            maxPerTag,
            scratch,
            scratch.Picked);

        // 6. Exploration pool: candidates outside the greedy list, plus new items by fewest impressions.
        int pool = 0;
        if (epsilon > 0)
        {
            pool = ExplorationPool.Build(catalog, blended, scratch, candidates, greedyN, policy, ref filter, user);
        }

        // 7. Epsilon-greedy, slot by slot, with exact conditional propensities.
        // Without a per-call seed, the player's own stream: (engine seed, player id, lists shown so far), persisted with the
        // profile, so the same state gives the same list in this process or after a restart, whatever other players do.
        bool markShown = options?.MarkShown ?? true;
        RecentLists? recentState = options?.Seed is null || markShown ? _recent.GetOrAdd(userId, static _ => new RecentLists()) : null;
        long shownBefore = 0;
        if (recentState is not null)
        {
            lock (recentState.Gate)
            {
                shownBefore = recentState.Calls;
            }
        }

        ulong seed = options?.Seed is int s ? PolicyRandom.Derive(s, 0) : PolicyRandom.ForPlayer(policy.Seed, userId, shownBefore);
        var rng = new PolicyRandom(seed);
        var personalSource = hasProfile ? SuggestionSource.Personalized : SuggestionSource.Popular;
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
                int row = scratch.Candidates[scratch.Picked[gi++]];
                destination[written++] = Make(catalog, row, blended, personalSource, slotProbability, explain, scratch, penalized, variant);
                continue;
            }

            int pick = ExplorationPool.Sample(scratch.PoolWeights, pool, poolWeight, rng.NextDouble());
            double weight = scratch.PoolWeights[pick];
            double propensity = slotProbability * weight / poolWeight;
            scratch.PoolWeights[pick] = 0;
            poolWeight = ExplorationPool.SumWeights(scratch.PoolWeights, pool);
            destination[written++] = Make(catalog, scratch.PoolRows[pick], blended, SuggestionSource.Explore, propensity, explain, scratch, penalized, variant);
        }

        // 8. Remember the list as shown.
        if (written > 0 && markShown)
        {
            MarkShown(userId, recentState!, destination.Slice(0, written), policy, now);
        }

        return written;
    }

    /// <summary>
    /// Writes the model index and the weight (decayed to <paramref name="now"/>) of each positive history item the served model
    /// knows into the scratch; returns how many (0 without a model).
    /// </summary>
    private int MapHistoryToModel(TrainedModel? trained, ReadOnlySpan<UserHistoryEntry> history, long now, SuggestScratch scratch)
    {
        if (trained is null || history.IsEmpty)
        {
            return 0;
        }

        SuggestScratch.Grow(ref scratch.ModelItems, history.Length);
        SuggestScratch.Grow(ref scratch.ModelWeights, history.Length);
        int n = 0;
        foreach (var entry in history)
        {
            int index = entry.Weight > 0 ? trained.Model.IndexOf(entry.ItemId) : -1;
            if (index >= 0)
            {
                scratch.ModelItems[n] = index;
                scratch.ModelWeights[n] = (float)_profileDecay.Decayed(entry.Weight, entry.LastInteraction.UtcTicks, now);
                n++;
            }
        }

        return n;
    }

    private Suggestion Make(CatalogSnapshot catalog, int row, Span<float> blended, SuggestionSource source, double propensity, bool explain, SuggestScratch scratch, int penalized, string? variant)
    {
        ScoreContribution[]? breakdown = null;
        if (explain)
        {
            int parts = 0;
            for (int s = 0; s < _pipeline.Count; s++)
            {
                parts += scratch.WeightsUsed[s] > 0 ? 1 : 0;
            }

            bool wasPenalized = Array.IndexOf(scratch.PenalizedRows, row, 0, penalized) >= 0;
            breakdown = new ScoreContribution[parts + (wasPenalized ? 1 : 0)];
            int k = 0;
            for (int s = 0; s < _pipeline.Count; s++)
            {
                float w = scratch.WeightsUsed[s];
                if (w > 0)
                {
                    breakdown[k++] = new ScoreContribution(_pipeline.Name(s), w * scratch.PerScorer[s][row]);
                }
            }

            if (wasPenalized)
            {
                breakdown[k] = new ScoreContribution(RecentPenaltyName, -(float)_options.Policy.RecentListPenalty);
            }
        }

        return new Suggestion(catalog.Ids[row], blended[row], source, propensity, breakdown, variant);
    }

    private void MarkShown(string userId, RecentLists recent, ReadOnlySpan<Suggestion> list, PolicyOptions policy, long now)
    {
        lock (recent.Gate)
        {
            recent.Calls++;
            recent.Remember(list, policy.RecentLists);

            // Stored with the profile at the next flush, checkpoint or profile write (CollectShownLists), not per call: Suggest
            // queues nothing, and the writer does not serialize a whole profile for every list shown.
            recent.Dirty = true;
        }

        if (policy.RecordShownAsImpressions)
        {
            RecordShownImpressions(userId, list, now);
        }
    }
}
