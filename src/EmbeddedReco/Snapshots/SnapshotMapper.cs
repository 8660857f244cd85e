using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using EmbeddedReco.Catalog;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// Maps between the engine's live state and a <see cref="SnapshotModel"/>: <see cref="Capture"/> (under the engine's mutation
/// lock) and <see cref="Complete"/> (outside it) copy what a snapshot holds, the <c>Build*</c> methods turn a decoded, validated model back into a catalog,
/// a collaborative model and player profiles, ready to publish. No I/O and no engine: the file format is in
/// <see cref="SnapshotWriter"/>/<see cref="SnapshotReader"/>, the publishing in the engine.
/// </summary>
internal static class SnapshotMapper
{
    /// <summary>
    /// The part of a capture taken under the engine's mutation lock, in microseconds: references to the immutable catalog arrays,
    /// the served model and the players' dictionary, and a copy of the live popularity counters (the one thing that changes under
    /// that lock). <see cref="Complete"/> copies the rest outside it. The catalog arrays are shared, not copied: the catalog stays
    /// entered (<see cref="SnapshotModel.Source"/>) until the model is encoded.
    /// </summary>
    public static SnapshotModel Capture(CatalogSnapshot catalog, TrainedModel? trained, PlayerStore players, SnapshotOptions options, SnapshotSettings settings, out PendingCapture pending)
    {
        var model = new SnapshotModel { Dimensions = catalog.Dimensions, Settings = settings };
        if (catalog.TryEnter())
        {
            model.Source = catalog;
        }

        model.ItemIds = catalog.Ids;
        model.ItemVectors = catalog.Vectors;
        model.ItemTags = catalog.Tags;
        model.ItemRank = catalog.IdRank;
        if (options.IncludePopularity)
        {
            var c = catalog.Counters;
            model.PopularityLog2 = c.CopyPopularityLog2();
            model.Impressions = c.CopyImpressions();
            model.Engagements = c.CopyEngagements();
        }

        pending = new PendingCapture(options.IncludeModel ? trained : null, options.IncludeProfiles ? players.Profiles : null);
        return model;
    }

    /// <summary>
    /// Completes a capture outside the mutation lock: copies the served model's weights (immutable) and every player's profile,
    /// each under its own gate (a player recording meanwhile is copied either before or after that interaction, never half-way).
    /// </summary>
    public static void Complete(SnapshotModel model, in PendingCapture pending)
    {
        if (pending.Trained is { } trained)
        {
            model.Collaborative = CaptureModel(trained);
        }

        if (pending.Players is { } players)
        {
            var users = new List<UserState>(players.Count);
            foreach (var pair in players)
            {
                users.Add(pair.Value);
            }

            users.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            CaptureProfiles(model, users, model.Dimensions);
        }
    }

    /// <summary>The catalog of a validated model; counters from the snapshot, or fresh (reusing <paramref name="recycle"/>'s arrays).</summary>
    public static CatalogSnapshot BuildCatalog(SnapshotModel model, CatalogSnapshot? recycle)
    {
        var counters = model.HasPopularity
            ? new MutableItemCounters(model.PopularityLog2!, model.Impressions!, model.Engagements!)
            : MutableItemCounters.Create(model.ItemIds.Length, recycle?.Counters);
        return new CatalogSnapshot(model.Dimensions, model.ItemIds, model.ItemVectors, model.ItemTags, counters, model.ItemIndex, model.ItemRank);
    }

    /// <summary>Rebuilds the collaborative model of a snapshot (validated by the model's own factories), or null when there is none.</summary>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotInvalid"/>: the model section is invalid.</exception>
    public static TrainedModel? BuildModel(SnapshotCollaborative? c, int maxIdBytes)
    {
        if (c is null)
        {
            return null;
        }

        try
        {
            foreach (string id in c.ItemIds)
            {
                Guard.Id(id, "snapshot", maxIdBytes, "model item");
            }

            CollaborativeModel model = c.Algorithm switch
            {
                (int)CollaborativeAlgorithm.Ease when c.Dense is not null => CollaborativeModel.FromDense(c.ItemIds, c.Dense),
                (int)CollaborativeAlgorithm.ItemKnn when c.Start is not null && c.Neighbours is not null && c.Similarities is not null =>
                    CollaborativeModel.FromNeighbours(c.ItemIds, c.Start, c.Neighbours, c.Similarities),
                _ => throw new ArgumentException($"unknown algorithm {c.Algorithm} or missing weights"),
            };
            if (c.Users < 0 || c.Interactions < 0 || c.TrainedAtTicks < 0 || c.TrainedAtTicks > DateTime.MaxValue.Ticks || c.DurationTicks < 0)
            {
                throw new ArgumentException("negative or out-of-range training summary");
            }

            var result = new TrainingResult(model.Algorithm, model.ItemCount, c.Users, c.Interactions, TimeSpan.FromTicks(c.DurationTicks), new DateTimeOffset(c.TrainedAtTicks, TimeSpan.Zero));
            return new TrainedModel(model, result);
        }
        catch (ArgumentException ex)
        {
            throw new RecoException(RecoErrorCode.SnapshotInvalid, "The snapshot's model section is invalid: " + ex.Message, ex);
        }
    }

    /// <summary>The player profiles of a validated model, or null when it has none.</summary>
    public static ConcurrentDictionary<string, UserState>? BuildProfiles(SnapshotModel model)
    {
        if (!model.HasProfiles)
        {
            return null;
        }

        int dims = model.Dimensions;
        var ids = model.UserIds!;
        var users = new ConcurrentDictionary<string, UserState>(StringComparer.Ordinal);
        int itemStart = 0;
        for (int u = 0; u < ids.Length; u++)
        {
            var user = new UserState(ids[u], dims);
            model.UserVectors.AsSpan(u * dims, dims).CopyTo(user.Vector);
            user.LastTicks = model.UserLastTicks![u];
            user.InteractionCount = model.UserInteractions![u];
            user.PositiveCount = model.UserPositives![u];
            user.SetConsumed(model.UserConsumed![u]);
            if (model.UserItems is { } userItems)
            {
                for (int i = itemStart, end = itemStart + userItems.Counts[u]; i < end; i++)
                {
                    var st = user.Touch(userItems.ItemIds[i], userItems.LastTouchTicks[i]);
                    st.Weight = userItems.Weight[i];
                    st.WeightTicks = userItems.WeightTicks[i];
                    st.Ignored = userItems.Ignored[i];
                    st.LastShownTicks = userItems.LastShownTicks[i];
                    st.CooldownUntilTicks = userItems.CooldownUntilTicks[i];
                }

                itemStart += userItems.Counts[u];
            }

            users[ids[u]] = user;
        }

        return users;
    }

    private static SnapshotCollaborative CaptureModel(TrainedModel trained)
    {
        var m = trained.Model;
        bool ease = m.Algorithm == CollaborativeAlgorithm.Ease;
        bool knn = m.Algorithm == CollaborativeAlgorithm.ItemKnn;
        return new SnapshotCollaborative
        {
            Algorithm = (int)m.Algorithm,
            ItemIds = m.ItemIds,
            Dense = ease ? m.DenseWeights.ToArray() : null,
            Start = knn ? m.NeighbourStart.ToArray() : null,
            Neighbours = knn ? m.Neighbours.ToArray() : null,
            Similarities = knn ? m.Similarities.ToArray() : null,
            Users = trained.Result.Users,
            Interactions = trained.Result.Interactions,
            TrainedAtTicks = trained.Result.TrainedAt.UtcTicks,
            DurationTicks = trained.Result.Duration.Ticks,
        };
    }

    private static void CaptureProfiles(SnapshotModel model, List<UserState> users, int dims)
    {
        int n = users.Count;
        model.UserIds = new string[n];
        model.UserVectors = new float[(long)n * dims];
        model.UserLastTicks = new long[n];
        model.UserInteractions = new long[n];
        model.UserPositives = new long[n];
        model.UserConsumed = new string[n][];
        var itemIds = new List<string>();
        var itemStates = new List<UserItemState>();
        var itemCounts = new int[n];
        for (int u = 0; u < n; u++)
        {
            var user = users[u];
            lock (user.Gate)
            {
                model.UserIds[u] = user.Id;
                user.Vector.AsSpan().CopyTo(model.UserVectors.AsSpan(u * dims, dims));
                model.UserLastTicks[u] = user.LastTicks;
                model.UserInteractions[u] = user.InteractionCount;
                model.UserPositives[u] = user.PositiveCount;
                var consumed = new string[user.Consumed.Count];
                user.Consumed.CopyTo(consumed);
                Array.Sort(consumed, StringComparer.Ordinal);
                model.UserConsumed[u] = consumed;

                // Kept in the profile's own order (not sorted): the history is summed in that order when scoring, so a loaded
                // engine reproduces scores bit for bit.
                foreach (var pair in user.Items)
                {
                    itemIds.Add(pair.Key);
                    itemStates.Add(pair.Value.Copy());
                }

                itemCounts[u] = user.Items.Count;
            }
        }

        var items = SnapshotUserItems.Create(n, itemStates.Count);
        itemCounts.CopyTo(items.Counts, 0);
        for (int i = 0; i < itemStates.Count; i++)
        {
            var st = itemStates[i];
            items.ItemIds[i] = itemIds[i];
            items.Weight[i] = st.Weight;
            items.WeightTicks[i] = st.WeightTicks;
            items.Ignored[i] = st.Ignored;
            items.LastShownTicks[i] = st.LastShownTicks;
            items.CooldownUntilTicks[i] = st.CooldownUntilTicks;
            items.LastTouchTicks[i] = st.LastTouchTicks;
        }

        model.UserItems = items;
    }
}

/// <summary>What a capture copies outside the mutation lock: the served model (immutable) and the players' dictionary of the captured state.</summary>
internal readonly struct PendingCapture
{
    public PendingCapture(TrainedModel? trained, System.Collections.Concurrent.ConcurrentDictionary<string, UserState>? players)
    {
        Trained = trained;
        Players = players;
    }

    public TrainedModel? Trained { get; }

    public System.Collections.Concurrent.ConcurrentDictionary<string, UserState>? Players { get; }
}
