using System;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Profiles;
using EmbeddedReco.Storage;

namespace EmbeddedReco.Interactions;

/// <summary>
/// What one interaction does to the engine's memory, and which writes it queues: the player's profile and per-item state
/// (<see cref="UserState.ApplyItem"/>), the item's counters and popularity, the engagement totals; then the log row, the profile,
/// the per-item delta and the engagement as one batch. Also the validation of a public <see cref="Interaction"/>.
/// </summary>
internal sealed class InteractionRecorder
{
    /// <summary>
    /// The largest magnitude of one interaction's weight. Validated settings stay within it (a rating at most
    /// 2 x <see cref="Interaction.MaxRatingStars"/> stars from neutral, times at most <see cref="EngagementWeights.MaxWeight"/> per
    /// star); the clamp is a second line of defence for the profile.
    /// </summary>
    public const double MaxInteractionWeight = 2 * Interaction.MaxRatingStars * EngagementWeights.MaxWeight;

    private readonly PlayerStore _players;
    private readonly EngagementWeights _weights;
    private readonly PolicyOptions _policy;
    private readonly Experiment? _experiment;
    private readonly Decay _profileDecay;
    private readonly Decay _popularityDecay;
    private readonly bool[] _consumedKinds;
    private long _skippedImpressions; // shown-list impressions skipped while the store was faulted
    private bool _skippingImpressions; // under the mutation lock: the skip was logged for the current failure
    private long _refused; // interactions refused (and shown lists skipped) because the write queue was full
    private bool _queueFull; // under the mutation lock: the full queue was logged for the current episode

    public InteractionRecorder(RecoEngineOptions options, PlayerStore players)
    {
        _players = players;
        _weights = options.EngagementWeights;
        _policy = options.Policy;
        _experiment = options.Experiment;
        _profileDecay = new Decay(options.ProfileHalfLife);
        _popularityDecay = new Decay(options.PopularityHalfLife);
        _consumedKinds = new bool[InteractionKinds.Count];
        foreach (var kind in options.ConsumedKinds)
        {
            if ((int)kind >= 0 && (int)kind < _consumedKinds.Length)
            {
                _consumedKinds[(int)kind] = true;
            }
        }
    }

    /// <summary>Checks a public interaction: ids, a defined kind, a finite value within the kind's range.</summary>
    /// <exception cref="ArgumentNullException">An id is null.</exception>
    /// <exception cref="ArgumentException">A bad id, an undefined kind, a value that is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A Play or Rating value out of range.</exception>
    public static void Validate(in Interaction interaction, int maxIdBytes)
    {
        string userId = interaction.UserId;
        string itemId = interaction.ItemId;
        Guard.Id(userId, nameof(interaction), maxIdBytes, "user");
        Guard.Id(itemId, nameof(interaction), maxIdBytes, "item");
        var kind = interaction.Kind;
        if (kind < InteractionKind.Impression || kind > InteractionKind.Rating)
        {
            throw new ArgumentException($"Interaction kind {(int)kind} is not defined.", nameof(interaction));
        }

        double value = interaction.Value;
        if (!Guard.IsFinite(value))
        {
            throw new ArgumentException($"Interaction value must be finite, not {value}.", nameof(interaction));
        }

        if (kind == InteractionKind.Play && !(value >= 0 && value <= Interaction.MaxPlaySeconds))
        {
            throw new ArgumentOutOfRangeException(
                nameof(interaction), value, $"A Play value (seconds) must be between 0 and {Interaction.MaxPlaySeconds} (Interaction.MaxPlaySeconds, seven days).");
        }

        if (kind == InteractionKind.Rating && !(value >= 0 && value <= Interaction.MaxRatingStars))
        {
            throw new ArgumentOutOfRangeException(
                nameof(interaction), value, $"A Rating value (stars) must be between 0 and {Interaction.MaxRatingStars} (Interaction.MaxRatingStars).");
        }

    }

    /// <summary>The engagement weight of an interaction, clamped to <see cref="MaxInteractionWeight"/>.</summary>
    public double WeightOf(InteractionKind kind, double value)
    {
        double weight = _weights.WeightOf(kind, value);
        return weight > MaxInteractionWeight ? MaxInteractionWeight : weight < -MaxInteractionWeight ? -MaxInteractionWeight : weight;
    }

    /// <summary>
    /// Applies one validated interaction (under the engine's mutation lock): profile, per-item history and exposure, item counters,
    /// engagement; adds its writes to <paramref name="writes"/>. Returns whether the item is in the catalog.
    /// </summary>
    public bool Apply(LiteStore.QueueBatch writes, CatalogSnapshot catalog, string userId, string itemId, InteractionKind kind, double value, double weight, long ticks, SuggestionSource? source = null, double? propensity = null)
    {
        bool known = catalog.Index.TryGetValue(itemId, out int row);
        var user = _players.GetOrAdd(userId);
        string? evicted = null;
        lock (user.Gate)
        {
            user.InteractionCount++;
            if (known)
            {
                bool isImpression = kind == InteractionKind.Impression;
                evicted = user.ApplyItem(catalog.Ids[row], catalog.Row(row), isImpression, _consumedKinds[(int)kind], weight, ticks, _profileDecay, _policy, row, catalog.Generation, _players.Room);
            }
        }

        if (known)
        {
            var counters = catalog.Counters;
            if (kind == InteractionKind.Impression)
            {
                counters.AddImpression(row);
            }

            if (weight > 0)
            {
                counters.AddEngagement(row);
                counters.SetPopularityLog2(row, _popularityDecay.AddLog2(counters.PopularityLog2(row), weight, ticks));
            }

            writes.Add(new WriteOp(WriteOpKind.ItemChanged, catalog.Ids[row]));
        }

        string variant = _experiment?.Assign(userId).Name ?? string.Empty;
        _players.Engagement.Add(userId, variant, kind, value, ticks);
        writes.Add(new WriteOp(WriteOpKind.LogInteraction, userId, itemId, (int)kind, value, ticks, shown: new ShownContext(variant.Length == 0 ? null : variant, source, propensity)));
        writes.Add(new WriteOp(WriteOpKind.UserChanged, userId));
        if (known)
        {
            // The per-item state is a document of its own: a Record writes this small delta, never the player's whole history.
            writes.Add(new WriteOp(WriteOpKind.UserItemChanged, userId, catalog.Ids[row]));
        }

        if (evicted is not null)
        {
            writes.Add(new WriteOp(WriteOpKind.UserItemChanged, userId, evicted)); // gone from memory: deleted from the file
        }

        writes.Add(new WriteOp(WriteOpKind.EngagementChanged, userId, variant));
        return known;
    }

    /// <summary>Impressions of shown lists skipped because the store was faulted or its queue full (see <see cref="ApplyShown"/>).</summary>
    public long SkippedImpressions => Interlocked.Read(ref _skippedImpressions);

    /// <summary>Interactions refused because the write queue was full (<see cref="RecoEngineOptions.MaxPendingWrites"/>).</summary>
    public long RefusedInteractions => Interlocked.Read(ref _refused);

    /// <summary>
    /// Counts an interaction refused because the write queue is full (call under the engine's mutation lock); true for the first
    /// refusal of an episode (to be logged once, outside the lock).
    /// </summary>
    public bool Refuse()
    {
        Interlocked.Increment(ref _refused);
        return StartFullEpisode();
    }

    /// <summary>True when the write queue was not known to be full before (the first refusal or skip of an episode).</summary>
    private bool StartFullEpisode()
    {
        bool first = !_queueFull;
        _queueFull = true;
        return first;
    }

    /// <summary>The queue took a write again: the next refusal starts a new episode (call under the engine's mutation lock).</summary>
    public void Accepted() => _queueFull = false;

    /// <summary>
    /// Applies a shown list as impressions (call under the engine's mutation lock), their writes queued as one batch. While the
    /// store is faulted the impressions are skipped (counted in <see cref="SkippedImpressions"/>, logged once per failure), so
    /// that Suggest still serves its list and memory does not run ahead of what can be persisted.
    /// </summary>
    public ShownOutcome ApplyShown(LiteStore store, CatalogSnapshot catalog, string userId, ReadOnlySpan<Suggestion> list, long ticks)
    {
        if (store.IsFaulted)
        {
            Interlocked.Add(ref _skippedImpressions, list.Length);
            bool warn = !_skippingImpressions;
            _skippingImpressions = true;
            return new ShownOutcome(0, null, warn, false);
        }

        _skippingImpressions = false;
        if (store.IsFull)
        {
            Interlocked.Add(ref _skippedImpressions, list.Length);
            return new ShownOutcome(0, null, false, StartFullEpisode());
        }

        Accepted();
        double weight = WeightOf(InteractionKind.Impression, 1);
        string? unknown = null;
        int recorded = 0;
        using var writes = store.BeginBatch();
        foreach (var s in list)
        {
            if (!Apply(writes, catalog, userId, s.ItemId, InteractionKind.Impression, 1, weight, ticks, s.Source, s.Propensity))
            {
                unknown = s.ItemId;
            }

            recorded++;
        }

        return new ShownOutcome(recorded, unknown, false, false);
    }
}

/// <summary>What <see cref="InteractionRecorder.ApplyShown"/> did: impressions recorded, an item not in the catalog, whether to warn of a skip.</summary>
internal readonly struct ShownOutcome
{
    public ShownOutcome(int recorded, string? unknownItem, bool skippedWarning, bool queueFullWarning)
    {
        Recorded = recorded;
        UnknownItem = unknownItem;
        SkippedWarning = skippedWarning;
        QueueFullWarning = queueFullWarning;
    }

    /// <summary>Impressions applied (0 when skipped).</summary>
    public int Recorded { get; }

    /// <summary>The last shown item that was not in the catalog, or null.</summary>
    public string? UnknownItem { get; }

    /// <summary>The list was skipped and this is the first skip of the current storage failure.</summary>
    public bool SkippedWarning { get; }

    /// <summary>The list was skipped because the write queue is full, and this is the first refusal of the episode.</summary>
    public bool QueueFullWarning { get; }

    /// <summary>Logs the outcome (outside any lock).</summary>
    public void Log(Microsoft.Extensions.Logging.ILogger logger, string userId, int listLength, int maxPendingWrites)
    {
        if (QueueFullWarning)
        {
            Diagnostics.Log.WriteQueueFull(logger, maxPendingWrites);
        }

        if (SkippedWarning)
        {
            Diagnostics.Log.ImpressionsSkipped(logger, listLength);
        }

        if (UnknownItem is not null)
        {
            Diagnostics.Log.UnknownItemInteraction(logger, userId, UnknownItem);
        }
    }
}
