using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;
using EmbeddedReco.Scoring;
using EmbeddedReco.Storage;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco;

/// <summary>
/// The embedded recommender: a catalog of items with feature vectors, player profiles learned from interactions, and
/// <see cref="Suggest(string)"/>. All state lives in memory and is persisted to one LiteDB file by a background writer thread
/// that the engine owns. Thread-safe: <c>Suggest</c> may run on many threads while others record, upsert and flush.
/// </summary>
/// <remarks>
/// Durability: <see cref="Record(in Interaction)"/> changes memory at once and queues its writes as one batch. The writer commits
/// queued writes within milliseconds at game rates (a commit survives a crash of the process); under a flood that outruns the disk
/// at most <see cref="RecoEngineOptions.MaxPendingWrites"/> writes wait, and producers wait beyond that. <see cref="Flush"/> returns
/// after everything recorded before it is committed and checkpointed, which syncs the file to disk (survives power loss). A
/// checkpoint also runs every <see cref="RecoEngineOptions.CheckpointInterval"/> and on <see cref="Dispose"/>. The engine never
/// writes to a file that is not a sound database of its own (see <see cref="Open"/>).
/// </remarks>
public sealed partial class RecoEngine : IDisposable, IStoreHost
{
    private readonly RecoEngineOptions _options;
    private readonly ILogger _logger;
    private readonly object _mutation = new object();
    private ConcurrentDictionary<string, UserState> _users = new ConcurrentDictionary<string, UserState>(StringComparer.Ordinal);
    private readonly Decay _profileDecay;
    private readonly Decay _popularityDecay;
    private readonly bool[] _consumedKinds;
    private readonly LiteStore _store;
    private readonly ScoringPipeline _pipeline;
    private readonly ConcurrentDictionary<string, RecentLists> _recent = new ConcurrentDictionary<string, RecentLists>(StringComparer.Ordinal);
    private CatalogSnapshot _catalog;
    private long _stateVersion; // odd while a snapshot load swaps catalog, model and profiles (see SuggestCore)
    private readonly object _spareGate = new object();
    private CatalogSnapshot? _spare; // the catalog a snapshot load replaced, for the next load to overwrite (under _spareGate)
    private int _disposed;

    private RecoEngine(RecoEngineOptions options)
    {
        _options = options;
        _logger = new SafeLogger(options.LoggerFactory.CreateLogger("EmbeddedReco"));
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

        _catalog = CatalogSnapshot.Empty(options.Dimensions);
        _pipeline = new ScoringPipeline(options.Scorers, _logger);
        InitEngagement();
        _store = LiteStore.Open(options.DatabasePath!, options.Dimensions, options.MaxPendingWrites, _logger, options.CheckpointInterval, this);
    }

    /// <summary>Number of items in the catalog.</summary>
    public int ItemCount => Volatile.Read(ref _catalog).Count;

    /// <summary>Length of every item feature vector (<see cref="RecoEngineOptions.Dimensions"/>).</summary>
    public int Dimensions => _options.Dimensions;

    /// <summary>Number of players with a profile.</summary>
    public int UserCount => _users.Count;

    /// <summary>The database path the engine was opened on (":memory:" for none).</summary>
    public string DatabasePath => _options.DatabasePath!;

    /// <summary>Test seam for storage failures (see tests).</summary>
    internal LiteStore Store => _store;

    /// <summary>Test seam: the published catalog (not entered; see <see cref="EnterCatalog"/>).</summary>
    internal CatalogSnapshot CurrentCatalog => Volatile.Read(ref _catalog);

    /// <summary>
    /// Opens an engine: validates <paramref name="options"/> (an <see cref="ArgumentException"/> names the bad option), opens or
    /// creates the database file and loads its items and profiles.
    /// </summary>
    /// <param name="options">The settings; copied, so later changes have no effect.</param>
    /// <returns>An open engine. Dispose it to flush and close the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or <see cref="RecoEngineOptions.Dimensions"/> differs from the file's.</exception>
    /// <exception cref="RecoException">The file cannot be opened, is open in another engine (this or another process, by any path
    /// naming the same file) or is not an EmbeddedReco database (<see cref="RecoErrorCode.StorageOpenFailed"/>), or it is empty,
    /// truncated or damaged (<see cref="RecoErrorCode.StorageCorrupt"/>). Such a file is left exactly as it was. A database of an
    /// earlier storage format is migrated in place, keeping every row.</exception>
    public static RecoEngine Open(RecoEngineOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var engine = new RecoEngine(options.ValidateAndCopy());
        Log.EngineOpened(engine._logger, engine.DatabasePath, engine.ItemCount, engine.UserCount, engine.Dimensions);
        return engine;
    }

    /// <summary>
    /// Returns when every change made before the call (interactions, items, forgotten users) is committed and checkpointed to the
    /// database file. After a storage failure it reopens the file and replays the kept writes first.
    /// </summary>
    /// <exception cref="RecoException">Writing failed (<see cref="RecoErrorCode.StorageWriteFailed"/>); nothing was dropped and a later Flush retries.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void Flush()
    {
        ThrowIfDisposed();
        _store.Flush();
    }

    /// <summary>Flushes pending writes, stops the writer thread and closes the file. A failure while flushing is logged, not thrown:
    /// call <see cref="Flush"/> first to observe it. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _store.Dispose();
        Log.EngineDisposed(_logger, DatabasePath);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(RecoEngine), "The engine has been disposed.");
        }
    }

    private long NowTicks() => _options.Clock().UtcTicks;

    // ---- persistence callbacks (run on the writer thread) ----

    BsonDocument? IStoreHost.ItemDocument(string id)
    {
        var catalog = EnterCatalog();
        try
        {
            if (!catalog.Index.TryGetValue(id, out int row))
            {
                return null;
            }

            var c = catalog.Counters;
            return BsonCodec.Item(id, catalog.Row(row), catalog.Tags[row], c.PopularityLog2(row), c.Impressions(row), c.Engagements(row));
        }
        finally
        {
            catalog.Exit();
        }
    }

    /// <summary>
    /// Writer thread, before a flush, checkpoint or shutdown commits: queues a profile write for every player whose shown lists
    /// (list memory and seed stream) changed since they were last stored, so a reopened engine continues the same streams.
    /// </summary>
    void IStoreHost.CollectDeferredWrites(List<WriteOp> batch)
    {
        foreach (var pair in _recent)
        {
            bool dirty;
            lock (pair.Value.Gate)
            {
                dirty = pair.Value.Dirty;
            }

            if (dirty && _users.ContainsKey(pair.Key))
            {
                batch.Add(new WriteOp(WriteOpKind.UserChanged, pair.Key));
            }
        }
    }

    BsonDocument? IStoreHost.UserDocument(string id)
    {
        if (!_users.TryGetValue(id, out var user))
        {
            return null;
        }

        var doc = default(BsonDocument);
        lock (user.Gate)
        {
            doc = BsonCodec.User(user);
        }

        if (_recent.TryGetValue(id, out var recent))
        {
            lock (recent.Gate)
            {
                recent.Dirty = false;
                doc["shown"] = BsonCodec.Recent(recent.Calls, recent.Export());
            }
        }

        return doc;
    }

    BsonDocument? IStoreHost.UserItemDocument(string userId, string itemId)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            return null;
        }

        lock (user.Gate)
        {
            return user.Items.TryGetValue(itemId, out var st) ? BsonCodec.UserItem(userId, itemId, st) : null;
        }
    }

    List<BsonDocument> IStoreHost.UserItemDocuments(string userId)
    {
        var docs = new List<BsonDocument>();
        if (_users.TryGetValue(userId, out var user))
        {
            lock (user.Gate)
            {
                foreach (var pair in user.Items)
                {
                    docs.Add(BsonCodec.UserItem(userId, pair.Key, pair.Value));
                }
            }
        }

        return docs;
    }

    void IStoreHost.Load(LiteDatabase db)
    {
        int dims = _options.Dimensions;
        try
        {
            var ids = new List<string>();
            var vectors = new List<float>();
            var tags = new List<string[]>();
            var counters = new List<(double Pop, long Imp, long Eng)>();
            var row = new float[dims];
            foreach (var doc in db.GetCollection(BsonCodec.ItemsCollection).FindAll())
            {
                string? error = BsonCodec.ReadItem(doc, row, out string id, out string[] itemTags, out var c);
                if (error is not null)
                {
                    throw Corrupt($"item '{id}'", error);
                }

                ids.Add(id);
                vectors.AddRange(row);
                tags.Add(itemTags);
                counters.Add(c);
            }

            var itemCounters = new MutableItemCounters(ids.Count);
            for (int i = 0; i < ids.Count; i++)
            {
                itemCounters.Set(i, counters[i].Pop, counters[i].Imp, counters[i].Eng);
            }

            _catalog = new CatalogSnapshot(dims, ids.ToArray(), vectors.ToArray(), tags.ToArray(), itemCounters);

            foreach (var doc in db.GetCollection(BsonCodec.UsersCollection).FindAll())
            {
                string? error = BsonCodec.ReadUser(doc, dims, out var user, out long calls, out var lists);
                if (error is not null)
                {
                    throw Corrupt($"player '{user.Id}'", error);
                }

                _users[user.Id] = user;
                if (lists is not null)
                {
                    var recent = new RecentLists { Calls = calls };
                    recent.Import(lists, _options.Policy.RecentLists);
                    _recent[user.Id] = recent;
                }
            }

            var histories = new Dictionary<string, List<BsonDocument>>(StringComparer.Ordinal);
            foreach (var doc in db.GetCollection(BsonCodec.UserItemsCollection).FindAll())
            {
                string userId = doc["u"].IsString ? doc["u"].AsString : string.Empty;
                if (!histories.TryGetValue(userId, out var list))
                {
                    histories[userId] = list = new List<BsonDocument>();
                }

                list.Add(doc);
            }

            foreach (var pair in histories)
            {
                if (!_users.TryGetValue(pair.Key, out var user))
                {
                    // The profile write was set aside (the database refused it) while its item states were stored: the states are
                    // kept in the file but have no profile to belong to.
                    continue;
                }

                string? error = BsonCodec.ReadUserItems(pair.Value, user, out string itemId);
                if (error is not null)
                {
                    throw Corrupt($"the state of item '{itemId}' of player '{pair.Key}'", error);
                }
            }

            LoadEngagement(db);
        }
        catch (Exception ex) when (ex is InvalidCastException || ex is NullReferenceException || ex is ArgumentException || ex is FormatException || ex is OverflowException)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{DatabasePath}' holds a document this engine cannot read: {ex.Message}", ex);
        }
    }

    private RecoException Corrupt(string what, string error) => new RecoException(
        RecoErrorCode.StorageCorrupt,
        $"The database '{DatabasePath}' is damaged: {what} {error}. Nothing was changed; see docs/RELIABILITY.md for recovery.");
}
