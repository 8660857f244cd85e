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
/// Durability: <see cref="Record(in Interaction)"/> changes memory at once and queues the write. The writer commits queued
/// writes within milliseconds (a commit survives a crash of the process); <see cref="Flush"/> returns after everything recorded
/// before it is committed and checkpointed, which syncs the file to disk (survives power loss). A checkpoint also runs every
/// <see cref="RecoEngineOptions.CheckpointInterval"/> and on <see cref="Dispose"/>.
/// </remarks>
public sealed partial class RecoEngine : IDisposable
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
        _logger = options.LoggerFactory.CreateLogger("EmbeddedReco");
        _profileDecay = new Decay(options.ProfileHalfLife);
        _popularityDecay = new Decay(options.PopularityHalfLife);
        _consumedKinds = new bool[8];
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
        _store = LiteStore.Open(
            options.DatabasePath!,
            _logger,
            options.CheckpointInterval,
            ItemDocument,
            UserDocument,
            Load);
        _store.SetEngagementDocuments(EngagementUserDocument, EngagementVariantDocument);
        _store.SetDeferredWrites(CollectShownLists);
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
    /// <exception cref="RecoException">The file cannot be opened (<see cref="RecoErrorCode.StorageOpenFailed"/>) or is not
    /// what this engine wrote (<see cref="RecoErrorCode.StorageCorrupt"/>).</exception>
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

    private BsonDocument? ItemDocument(string id)
    {
        var catalog = EnterCatalog();
        try
        {
            if (!catalog.Index.TryGetValue(id, out int row))
            {
                return null;
            }

            var c = catalog.Counters;
            return BsonCodec.Item(id, catalog.Row(row), catalog.Tags[row], c.PopularityLog2[row], c.Impressions[row], c.Engagements[row]);
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
    private void CollectShownLists(List<WriteOp> batch)
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

    private BsonDocument? UserDocument(string id)
    {
        if (!_users.TryGetValue(id, out var user))
        {
            return null;
        }

        var doc = default(BsonDocument);
        lock (user.Gate)
        {
            doc = BsonCodec.User(id, user.Vector, user.LastTicks, user.InteractionCount, user.PositiveCount, user.Consumed, user.Items);
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

    private void Load(LiteDatabase db)
    {
        int dims = _options.Dimensions;
        var meta = db.GetCollection(BsonCodec.MetaCollection);
        var items = db.GetCollection(BsonCodec.ItemsCollection);
        var users = db.GetCollection(BsonCodec.UsersCollection);
        var metaDoc = meta.FindById("meta");
        if (metaDoc is null)
        {
            if (items.Count() > 0)
            {
                throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{DatabasePath}' has items but no EmbeddedReco metadata.");
            }

            meta.Insert(BsonCodec.Meta(dims));
            return;
        }

        int fileDims = metaDoc["dims"].IsInt32 ? metaDoc["dims"].AsInt32 : -1;
        if (fileDims != dims)
        {
            throw new ArgumentException(
                $"RecoEngineOptions.Dimensions is {dims} but the database '{DatabasePath}' was created with {fileDims} dimensions.",
                "options.Dimensions");
        }

        int format = metaDoc["format"].IsInt32 ? metaDoc["format"].AsInt32 : -1;
        if (format < 1 || format > BsonCodec.StorageFormatVersion)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{DatabasePath}' has storage format {format}; this engine reads 1 to {BsonCodec.StorageFormatVersion}.");
        }

        try
        {
            var ids = new List<string>();
            var vectors = new List<float>();
            var tags = new List<string[]>();
            var pop = new List<double>();
            var imp = new List<long>();
            var eng = new List<long>();
            var row = new float[dims];
            foreach (var doc in items.FindAll())
            {
                string id = doc["_id"].AsString;
                if (!BsonCodec.TryBytesToFloats(doc["v"].IsBinary ? doc["v"].AsBinary : null, row))
                {
                    throw new RecoException(RecoErrorCode.StorageCorrupt, $"Item '{id}' in '{DatabasePath}' has a vector of the wrong size.");
                }

                ids.Add(id);
                vectors.AddRange(row);
                tags.Add(BsonCodec.ReadStrings(doc["tags"]));
                pop.Add(doc["pop"].IsNumber ? doc["pop"].AsDouble : double.NegativeInfinity);
                imp.Add(doc["imp"].IsNumber ? doc["imp"].AsInt64 : 0);
                eng.Add(doc["eng"].IsNumber ? doc["eng"].AsInt64 : 0);
            }

            var counters = new ItemCounters(ids.Count);
            for (int i = 0; i < ids.Count; i++)
            {
                counters.PopularityLog2[i] = pop[i];
                counters.Impressions[i] = imp[i];
                counters.Engagements[i] = eng[i];
            }

            _catalog = new CatalogSnapshot(dims, ids.ToArray(), vectors.ToArray(), tags.ToArray(), counters);

            foreach (var doc in users.FindAll())
            {
                string id = doc["_id"].AsString;
                var user = new UserState(id, dims);
                if (!BsonCodec.TryBytesToFloats(doc["v"].IsBinary ? doc["v"].AsBinary : null, user.Vector))
                {
                    throw new RecoException(RecoErrorCode.StorageCorrupt, $"User '{id}' in '{DatabasePath}' has a vector of the wrong size.");
                }

                user.LastTicks = doc["last"].AsInt64;
                user.InteractionCount = doc["n"].AsInt64;
                user.PositiveCount = doc["pos"].AsInt64;
                user.SetConsumed(BsonCodec.ReadStrings(doc["consumed"]));
                BsonCodec.ReadUserItems(doc["items"], user);
                _users[id] = user;
                if (BsonCodec.TryReadRecent(doc["shown"], out long calls, out var lists))
                {
                    var recent = new RecentLists { Calls = calls };
                    recent.Import(lists, _options.Policy.RecentLists);
                    _recent[id] = recent;
                }
            }

            LoadEngagement(db);
        }
        catch (Exception ex) when (ex is InvalidCastException || ex is NullReferenceException || ex is ArgumentException)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{DatabasePath}' holds a document this engine cannot read: {ex.Message}", ex);
        }
    }
}
