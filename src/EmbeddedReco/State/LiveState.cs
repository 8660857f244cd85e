using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Engagement;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;
using EmbeddedReco.Storage;

namespace EmbeddedReco.State;

/// <summary>
/// The engine's published, in-memory state: the catalog (with the spare a snapshot load may overwrite), the served collaborative
/// model and the players. Readers take catalog, profiles and model as one consistent set (<see cref="EnterConsistent"/>); writers
/// change them under the engine's mutation lock. Also the writer thread's view of the engine (<see cref="IStoreHost"/>): what to
/// encode, what was loaded.
/// </summary>
internal sealed class LiveState : IStoreHost
{
    private readonly object _spareGate = new object();
    private readonly long _sessionGapTicks;
    private CatalogSnapshot _catalog;
    private CatalogSnapshot? _spare; // the catalog a snapshot load replaced, for the next load to overwrite (under _spareGate)
    private TrainedModel? _model;
    private long _version; // odd while a snapshot load swaps catalog, model and profiles
    private readonly bool _quantize;
    private Action? _housekeeping; // run by the writer thread after each commit (IStoreHost.AfterCommit)

    public LiveState(int dimensions, PlayerStore players, long sessionGapTicks, ScoringPrecision precision)
    {
        _quantize = precision == ScoringPrecision.Int8;
        _catalog = CatalogSnapshot.Empty(dimensions);
        Players = players;
        _sessionGapTicks = sessionGapTicks;
    }

    /// <summary>Every player: profiles, shown lists, engagement.</summary>
    public PlayerStore Players { get; }

    /// <summary>The published catalog, not entered: for writers under the mutation lock and for counts.</summary>
    public CatalogSnapshot Catalog => Volatile.Read(ref _catalog);

    /// <summary>The served collaborative model, or null.</summary>
    public TrainedModel? Model => Volatile.Read(ref _model);

    /// <summary>Test seam: runs in the middle of a snapshot swap (after the catalog, before the model and profiles).</summary>
    public Action? SwapPause { get; set; }

    /// <summary>Serves a newly trained model (Suggest picks it up at its next call).</summary>
    public void ServeModel(TrainedModel model) => Volatile.Write(ref _model, model);

    /// <summary>
    /// The current catalog, entered for reading outside the mutation lock (<see cref="CatalogSnapshot.TryEnter"/>); the caller
    /// must call <see cref="CatalogSnapshot.Exit"/>. The re-check after entering pairs with <see cref="TakeSpare"/>: both sides
    /// use full fences, so either the reader sees the newer catalog and retries, or the recycler sees the reader and waits.
    /// </summary>
    public CatalogSnapshot EnterCatalog()
    {
        while (true)
        {
            var catalog = Volatile.Read(ref _catalog);
            if (catalog.TryEnter())
            {
                if (ReferenceEquals(catalog, Volatile.Read(ref _catalog)))
                {
                    return catalog;
                }

                catalog.Exit();
            }
        }
    }

    /// <summary>True when the current catalog holds an item with this id (read inside the catalog, outside any lock).</summary>
    public bool ContainsItem(string itemId)
    {
        var catalog = EnterCatalog();
        try
        {
            return catalog.Index.ContainsKey(itemId);
        }
        finally
        {
            catalog.Exit();
        }
    }

    /// <summary>
    /// Catalog (entered), profiles and model as one consistent set: a snapshot load swaps all three between two increments of
    /// the version, and a read that overlapped one is retried. The caller exits the catalog.
    /// </summary>
    public CatalogSnapshot EnterConsistent(out ConcurrentDictionary<string, UserState> profiles, out TrainedModel? model)
    {
        while (true)
        {
            long version = Volatile.Read(ref _version);
            var catalog = EnterCatalog();
            profiles = Players.Profiles;
            model = Volatile.Read(ref _model);
            Interlocked.MemoryBarrier();
            if ((version & 1) == 0 && Volatile.Read(ref _version) == version)
            {
                return catalog;
            }

            catalog.Exit();
            Thread.Yield();
        }
    }

    /// <summary>
    /// Publishes the next catalog (under the mutation lock). The replaced one is dropped, and so is any spare kept by a snapshot
    /// load (it holds older content and a full copy of memory); a snapshot load keeps its own spare instead.
    /// </summary>
    public void PublishCatalog(CatalogSnapshot next)
    {
        Prepare(next);
        Volatile.Write(ref _catalog, next);
        KeepSpare(null);
    }

    /// <summary>
    /// Swaps catalog, model and (when given) profiles between two increments of the version (odd = a swap is in progress), so a
    /// reader never combines parts of two states. Returns the replaced profiles. Call under the mutation lock.
    /// </summary>
    public ConcurrentDictionary<string, UserState> Swap(CatalogSnapshot next, TrainedModel? model, ConcurrentDictionary<string, UserState>? profiles)
    {
        var oldProfiles = Players.Profiles;
        Prepare(next); // before the swap: Suggest never waits for it
        Interlocked.Increment(ref _version);
        try
        {
            Volatile.Write(ref _catalog, next);
            SwapPause?.Invoke();
            if (model is not null)
            {
                Volatile.Write(ref _model, model);
            }

            if (profiles is not null)
            {
                Players.ReplaceProfiles(profiles);
            }
        }
        finally
        {
            Interlocked.Increment(ref _version); // even again: never leaves a reader waiting
        }

        return oldProfiles;
    }

    /// <summary>Builds what the configured precision scans (the int8 rows) before a catalog is published (call it before taking
    /// the engine's mutation lock; publishing prepares again, a no-op once done).</summary>
    public void Prepare(CatalogSnapshot catalog)
    {
        if (_quantize)
        {
            catalog.Quantize();
        }
    }

    /// <summary>Sets (or clears) the catalog a later snapshot load may close and overwrite.</summary>
    public void KeepSpare(CatalogSnapshot? spare)
    {
        lock (_spareGate)
        {
            _spare = spare is not null && spare.Count > 0 ? spare : null;
        }
    }

    /// <summary>
    /// The spare catalog, closed so its arrays can be overwritten by a snapshot load; null when there is none or a reader is
    /// still inside it (then it stays for a later load). Reusing warm memory makes a reload cheaper than fresh allocations
    /// (first touches of fresh pages are costly) and spares the large-object heap an allocation per reload.
    /// </summary>
    public CatalogSnapshot? TakeSpare()
    {
        lock (_spareGate)
        {
            if (_spare is { } spare && spare.TryClose())
            {
                _spare = null;
                return spare;
            }

            return null;
        }
    }

    // ---- the writer thread's view (IStoreHost) ----

    CatalogSnapshot IStoreHost.EnterCatalog() => EnterCatalog();

    UserState? IStoreHost.FindUser(string userId) => Players.Find(userId);

    RecentLists? IStoreHost.FindRecent(string userId) => Players.FindRecent(userId);

    EngagementAggregator IStoreHost.Engagement => Players.Engagement;

    /// <summary>
    /// Writer thread, before a flush, checkpoint or shutdown commits: queues a profile write for every player whose shown lists
    /// (list memory and seed stream) changed since they were last stored, so a reopened engine continues the same streams.
    /// </summary>
    void IStoreHost.CollectDeferredWrites(List<WriteOp> batch)
    {
        var ids = new List<string>();
        Players.CollectDirtyShownLists(ids);
        foreach (string id in ids)
        {
            batch.Add(new WriteOp(WriteOpKind.UserChanged, id));
        }
    }

    /// <summary>Sets the work <see cref="IStoreHost.AfterCommit"/> runs on the writer thread (the engine sets it once, before the store opens).</summary>
    internal void SetHousekeeping(Action work) => Volatile.Write(ref _housekeeping, work);

    void IStoreHost.AfterCommit() => Volatile.Read(ref _housekeeping)?.Invoke();

    /// <summary>Writer thread, while the engine's Open waits: takes the state read from the file.</summary>
    void IStoreHost.Load(LoadedState state)
    {
        Prepare(state.Catalog);
        _catalog = state.Catalog;
        Players.Load(state.Users, state.Recent, state.Engagement, _sessionGapTicks);
    }
}
