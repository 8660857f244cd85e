using System;
using System.Threading;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Engagement;
using EmbeddedReco.Interactions;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;
using EmbeddedReco.Scoring;
using EmbeddedReco.State;
using EmbeddedReco.Storage;
using EmbeddedReco.Suggesting;
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
public sealed partial class RecoEngine : IDisposable, IShownRecorder
{
    // Every field of the engine is declared here (the other partial files hold behaviour only).
    //
    // Lock order (a thread holding one may take only those below it, never one above):
    //   0. _catalogChange       - serializes catalog replacements (UpsertItems, RemoveItem, snapshot load): the next catalog is
    //                             built under it, outside _mutation, so Record never waits for a catalog copy
    //   1. _mutation            - serializes state changes: Record, UpsertItems, RemoveItem, ForgetUser, snapshot swap (held for
    //                             microseconds: the publication, a counters carry, the queueing of the writes)
    //   2. LiteStore._lock      - the write queue (LiteStore.BeginBatch); held while a Record applies and queues its batch
    //   3. UserState.Gate       - one player's profile and per-item states
    //   4. RecentLists.Gate     - one player's shown-list memory
    //   5. EngagementAggregator / scorer gates / LiveState's spare gate - leaves: nothing else is taken while holding them
    // The writer thread takes 3, 4 and 5 (reading state to encode it) and never 1 or 2 at all (it drains published batches
    // lock-free), so a producer holding 1 and 2 never waits on the writer. Suggest takes only 3 and 4 (and 5 for scorer bookkeeping); with
    // PolicyOptions.RecordShownAsImpressions it then records the shown list like Record (1, 2, 3, 5) after releasing them.
    private readonly RecoEngineOptions _options;
    private readonly ILogger _logger;
    private readonly object _catalogChange = new object();
    private readonly object _mutation = new object();
    private readonly LiveState _state; // catalog, model and players, published as one consistent set
    private readonly Suggester _suggester;
    private readonly InteractionRecorder _recorder;
    private readonly ModelTrainer _trainer;
    private readonly LiteStore _store;
    private readonly ScoringPipeline _pipeline;
    private readonly BackgroundWarmup _warmup;
    private int _disposed;

    private RecoEngine(RecoEngineOptions options)
    {
        _options = options;
        _logger = new SafeLogger(options.LoggerFactory.CreateLogger("EmbeddedReco"));
        var profileDecay = new Decay(options.ProfileHalfLife);
        _pipeline = new ScoringPipeline(options.Scorers, _logger);
        var players = new PlayerStore(options.Dimensions, options.Policy.RecentLists, new EngagementAggregator(options.SessionGap, options.EngagementWeights));
        _state = new LiveState(options.Dimensions, players, options.SessionGap.Ticks, options.Precision);
        _recorder = new InteractionRecorder(options, players);
        var scoring = new PlayerScoring(_pipeline, profileDecay, new Decay(options.PopularityHalfLife), options.CollaborativeConfidence);
        var policy = new SuggestPolicy(options.Policy);
        _state.SetHousekeeping(() => // on the writer thread, after each commit
        {
            policy.CompactIfDue();
            players.Room.Make();
        });
        _suggester = new Suggester(_state, scoring, policy, options, _pipeline.Count);
        _trainer = new ModelTrainer(_state, profileDecay, options, _logger, () => Volatile.Read(ref _disposed) == 0);
        _store = LiteStore.Open(options.DatabasePath!, options.Dimensions, options.MaxPendingWrites, _logger, options.CheckpointInterval, _state);
        _store.MaxLogRows = options.MaxInteractionLogRows;
        _warmup = new BackgroundWarmup(_suggester, _pipeline.PluginsOff(), options.WarmupInBackground, _logger, () => Volatile.Read(ref _disposed) == 0);
        _warmup.Request(_state.Catalog); // a stored catalog
    }

    /// <summary>Number of items in the catalog.</summary>
    public int ItemCount => _state.Catalog.Count;

    /// <summary>Length of every item feature vector (<see cref="RecoEngineOptions.Dimensions"/>).</summary>
    public int Dimensions => _options.Dimensions;

    /// <summary>Number of players with a profile.</summary>
    public int UserCount => _state.Players.Count;

    /// <summary>The database path the engine was opened on (":memory:" for none).</summary>
    public string DatabasePath => _options.DatabasePath!;

    /// <summary>Test seam for storage failures (see tests).</summary>
    internal LiteStore Store => _store;

    /// <summary>Test and tools seam: the published state (catalog, model, players).</summary>
    internal LiveState State => _state;

    /// <summary>The Suggest path (for tests).</summary>
    internal Suggester Suggester => _suggester;

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
}
