using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using EmbeddedReco.Diagnostics;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Storage;

internal enum WriteOpKind : byte
{
    LogInteraction,
    UserChanged,
    ItemChanged,
    ForgetUser,
    EngagementChanged,
    Flush,
}

/// <summary>One queued write. A value type: queuing a Record's writes allocates nothing in steady state.</summary>
internal readonly struct WriteOp
{
    public WriteOp(WriteOpKind kind, string key, string? key2 = null, int interactionKind = 0, double value = 0, long ticks = 0, FlushRequest? flush = null)
    {
        Kind = kind;
        Key = key;
        Key2 = key2;
        InteractionKind = interactionKind;
        Value = value;
        Ticks = ticks;
        Flush = flush;
    }

    public WriteOpKind Kind { get; }

    public string Key { get; }

    public string? Key2 { get; }

    public int InteractionKind { get; }

    public double Value { get; }

    public long Ticks { get; }

    public FlushRequest? Flush { get; }
}

internal sealed class FlushRequest
{
    public ManualResetEventSlim Done { get; } = new ManualResetEventSlim(false);

    public Exception? Error { get; set; }
}

/// <summary>
/// Owns the LiteDB file and the one thread that performs every LiteDB operation on it: open, recovery, load, writes,
/// commits and checkpoints (LiteDB 5.0.21 corrupts files when writes or checkpoints come from more than one thread and the
/// process dies). Other threads only enqueue <see cref="WriteOp"/>s. A failed batch is kept, in order, ahead of newer writes
/// and replayed (after reopening the file) when the host calls Flush.
/// </summary>
internal sealed class LiteStore : IDisposable
{
    private readonly string _path;
    private readonly bool _inMemory;
    private readonly ILogger _logger;
    private readonly Func<string, BsonDocument?> _itemDocument;
    private readonly Func<string, BsonDocument?> _userDocument;
    private Func<string, BsonDocument?>? _engagementUserDocument;
    private Func<string, BsonDocument?>? _engagementVariantDocument;
    private volatile Action<List<WriteOp>>? _deferredWrites;
    private readonly long _checkpointIntervalTicks; // Stopwatch ticks; 0 = only on flush
    private readonly object _lock = new object();
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _opened = new ManualResetEventSlim(false);
    private Action<LiteDatabase>? _loader;
    private Exception? _openError;
    private LiteDatabase? _db;
    private FileStream? _lockFile;
    private List<WriteOp> _queue = new List<WriteOp>(1024);
    private List<WriteOp> _work = new List<WriteOp>(1024);
    private readonly List<WriteOp> _failed = new List<WriteOp>();
    private readonly HashSet<string> _dirtyEngagementUsers = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyEngagementVariants = new HashSet<string>(StringComparer.Ordinal);
    private Exception? _fault;
    private bool _retryRequested;
    private bool _stop;

    private LiteStore(
        string path,
        ILogger logger,
        TimeSpan checkpointInterval,
        Func<string, BsonDocument?> itemDocument,
        Func<string, BsonDocument?> userDocument,
        Action<LiteDatabase> loader)
    {
        _path = path;
        _inMemory = string.Equals(path, RecoEngineOptions.InMemory, StringComparison.Ordinal);
        _logger = logger;
        _itemDocument = itemDocument;
        _userDocument = userDocument;
        _loader = loader;
        _checkpointIntervalTicks = checkpointInterval == Timeout.InfiniteTimeSpan
            ? 0
            : (long)(checkpointInterval.TotalSeconds * Stopwatch.Frequency);
        _thread = new Thread(Run) { IsBackground = true, Name = "EmbeddedReco writer" };
    }

    /// <summary>Sets the providers of engagement documents (per player, per variant), persisted on <see cref="WriteOpKind.EngagementChanged"/>.</summary>
    public void SetEngagementDocuments(Func<string, BsonDocument?> user, Func<string, BsonDocument?> variant)
    {
        _engagementUserDocument = user;
        _engagementVariantDocument = variant;
    }

    /// <summary>
    /// Sets the provider of deferred writes: called on the writer thread before a flush, checkpoint or shutdown commits, it
    /// appends writes of state that changes too often to queue per change (the players' shown lists).
    /// </summary>
    public void SetDeferredWrites(Action<List<WriteOp>> collect) => _deferredWrites = collect;

    /// <summary>Test seam: called on the writer thread before each commit; a returned exception fails that batch.</summary>
    internal Func<Exception?>? FaultInjector { get; set; }

    /// <summary>Opens the file on the writer thread, runs <paramref name="loader"/> there, and returns once both are done.</summary>
    public static LiteStore Open(
        string path,
        ILogger logger,
        TimeSpan checkpointInterval,
        Func<string, BsonDocument?> itemDocument,
        Func<string, BsonDocument?> userDocument,
        Action<LiteDatabase> loader)
    {
        var store = new LiteStore(path, logger, checkpointInterval, itemDocument, userDocument, loader);
        store._thread.Start();
        store._opened.Wait();
        if (store._openError is not null)
        {
            store._thread.Join();
            if (store._openError is RecoException || store._openError is ArgumentException)
            {
                throw store._openError;
            }

            throw new RecoException(
                RecoErrorCode.StorageOpenFailed,
                $"Could not open the database '{path}': {store._openError.Message}",
                store._openError);
        }

        return store;
    }

    public static bool IsStorageException(Exception ex) =>
        ex is LiteException || ex is IOException || ex is UnauthorizedAccessException;

    /// <summary>Throws the pending storage failure, if any, so a caller does not change state that could not be persisted.</summary>
    public void ThrowIfFaulted()
    {
        Exception? fault = Volatile.Read(ref _fault);
        if (fault is not null)
        {
            throw Faulted(fault);
        }
    }

    /// <summary>Queues one write (a batch of one: see <see cref="BeginBatch"/>).</summary>
    public void Enqueue(in WriteOp op)
    {
        using var batch = BeginBatch();
        batch.Add(op);
    }

    /// <summary>
    /// Starts queueing many writes under one acquisition of the queue lock and one wake-up of the writer (a snapshot load queues
    /// one write per item). Dispose the batch to release the lock; keep it short: the writer waits meanwhile.
    /// </summary>
    public QueueBatch BeginBatch()
    {
        Monitor.Enter(_lock);
        if (_stop)
        {
            Monitor.Exit(_lock);
            throw new ObjectDisposedException(nameof(RecoEngine));
        }

        return new QueueBatch(this, _queue.Count == 0);
    }

    /// <summary>Writes queued under the store's lock; see <see cref="BeginBatch"/>.</summary>
    internal readonly ref struct QueueBatch
    {
        private readonly LiteStore _store;
        private readonly bool _wasEmpty;

        public QueueBatch(LiteStore store, bool wasEmpty)
        {
            _store = store;
            _wasEmpty = wasEmpty;
        }

        public void Add(in WriteOp op) => _store._queue.Add(op);

        public void Dispose()
        {
            if (_wasEmpty && _store._queue.Count > 0)
            {
                Monitor.Pulse(_store._lock);
            }

            Monitor.Exit(_store._lock);
        }
    }

    /// <summary>Returns when everything enqueued before the call is committed and checkpointed; retries after a failure.</summary>
    public void Flush()
    {
        var request = new FlushRequest();
        lock (_lock)
        {
            if (_stop)
            {
                throw new ObjectDisposedException(nameof(RecoEngine));
            }

            _queue.Add(new WriteOp(WriteOpKind.Flush, string.Empty, flush: request));
            if (_fault is not null)
            {
                _retryRequested = true;
            }

            Monitor.Pulse(_lock);
        }

        request.Done.Wait();
        request.Done.Dispose();
        if (request.Error is not null)
        {
            throw Faulted(request.Error);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_stop)
            {
                return;
            }

            _stop = true;
            Monitor.Pulse(_lock);
        }

        _thread.Join();
        _opened.Dispose();
    }

    private static RecoException Faulted(Exception fault) => fault as RecoException ?? new RecoException(
        RecoErrorCode.StorageWriteFailed,
        $"Writing to the database failed: {fault.Message}. Pending writes are kept; call Flush() to retry.",
        fault);

    /// <summary>
    /// LiteDB's direct mode does not stop a second open of the same file (in this process or another), and two writers corrupt it.
    /// An exclusive lock file beside the database does: "&lt;path&gt;.lock", deleted on close.
    /// </summary>
    private static FileStream? AcquireFileLock(string path, bool inMemory)
    {
        if (inMemory)
        {
            return null;
        }

        string lockPath = Path.GetFullPath(path) + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex) when (File.Exists(lockPath) && !(ex is DirectoryNotFoundException))
        {
            throw new RecoException(
                RecoErrorCode.StorageOpenFailed,
                $"The database '{path}' is already open (by this or another process; lock file '{lockPath}').",
                ex);
        }
    }

    private LiteDatabase OpenDatabase()
    {
        var cs = new ConnectionString
        {
            Filename = _path,
            Connection = ConnectionType.Direct,
        };
        return new LiteDatabase(cs);
    }

    private void Run()
    {
        try
        {
            _lockFile = AcquireFileLock(_path, _inMemory);
            _db = OpenDatabase();
            EnsureIndexes(_db);
            _loader!(_db);
        }
        catch (Exception ex)
        {
            _openError = ex;
            try
            {
                _db?.Dispose();
            }
            catch (Exception)
            {
                // The original error is what matters.
            }

            _lockFile?.Dispose();

            _opened.Set();
            return;
        }

        _loader = null;
        _opened.Set();

        var waiters = new List<FlushRequest>();
        var dirtyUsers = new HashSet<string>(StringComparer.Ordinal);
        var dirtyItems = new HashSet<string>(StringComparer.Ordinal);
        long lastCheckpoint = Stopwatch.GetTimestamp();

        while (true)
        {
            bool stopping;
            bool retrying;
            bool checkpointDue;
            lock (_lock)
            {
                while (true)
                {
                    if (_stop)
                    {
                        break;
                    }

                    if (_fault is not null)
                    {
                        // A Flush that was queued before the fault was known also asks for a retry (else it would wait forever).
                        if (_retryRequested || HasFlushRequest(_queue))
                        {
                            break;
                        }

                        Monitor.Wait(_lock);
                        continue;
                    }

                    if (_queue.Count > 0)
                    {
                        break;
                    }

                    if (_checkpointIntervalTicks > 0)
                    {
                        long remaining = lastCheckpoint + _checkpointIntervalTicks - Stopwatch.GetTimestamp();
                        if (remaining <= 0)
                        {
                            break;
                        }

                        Monitor.Wait(_lock, TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
                    }
                    else
                    {
                        Monitor.Wait(_lock);
                    }
                }

                stopping = _stop;
                retrying = _fault is not null;
                _retryRequested = false;
                _work.Clear();
                if (_failed.Count > 0)
                {
                    _work.AddRange(_failed);
                    _failed.Clear();
                    _work.AddRange(_queue);
                    _queue.Clear();
                }
                else
                {
                    // O(1) under the lock however long the backlog: producers never wait behind a copy.
                    (_queue, _work) = (_work, _queue);
                }
            }

            checkpointDue = _checkpointIntervalTicks > 0 && Stopwatch.GetTimestamp() - lastCheckpoint >= _checkpointIntervalTicks;
            waiters.Clear();
            foreach (var op in _work)
            {
                if (op.Flush is not null)
                {
                    waiters.Add(op.Flush);
                }
            }

            try
            {
                if (retrying && !_inMemory)
                {
                    Reopen();
                }

                if (waiters.Count > 0 || stopping || checkpointDue)
                {
                    _deferredWrites?.Invoke(_work);
                }

                if (_work.Count > 0)
                {
                    WriteBatch(_work, dirtyUsers, dirtyItems);
                }

                if (waiters.Count > 0 || stopping || checkpointDue)
                {
                    _db!.Checkpoint();
                    lastCheckpoint = Stopwatch.GetTimestamp();
                    Log.Checkpointed(_logger, stopping ? "dispose" : waiters.Count > 0 ? "flush" : "interval");
                }

                if (retrying)
                {
                    lock (_lock)
                    {
                        _fault = null;
                    }

                    Log.StorageRecovered(_logger);
                }

                foreach (var w in waiters)
                {
                    w.Done.Set();
                }
            }
            catch (Exception ex)
            {
                TryRollback();
                int kept;
                lock (_lock)
                {
                    foreach (var op in _work)
                    {
                        if (op.Kind != WriteOpKind.Flush)
                        {
                            _failed.Add(op);
                        }
                    }

                    kept = _failed.Count + _queue.Count;
                    _fault = ex;
                }

                Log.StorageWriteFailed(_logger, ex, kept);
                foreach (var w in waiters)
                {
                    w.Error = ex;
                    w.Done.Set();
                }
            }

            _work.Clear();
            if (stopping)
            {
                lock (_lock)
                {
                    // Anyone who enqueued a flush after the stop signal gets an answer instead of waiting forever.
                    foreach (var op in _queue)
                    {
                        if (op.Flush is not null)
                        {
                            op.Flush.Error = new ObjectDisposedException(nameof(RecoEngine));
                            op.Flush.Done.Set();
                        }
                    }
                }

                try
                {
                    _db?.Dispose();
                }
                catch (Exception ex)
                {
                    Log.StorageWriteFailed(_logger, ex, _failed.Count);
                }

                _lockFile?.Dispose();
                return;
            }
        }
    }

    private void WriteBatch(List<WriteOp> ops, HashSet<string> dirtyUsers, HashSet<string> dirtyItems)
    {
        var db = _db!;
        var log = db.GetCollection(BsonCodec.InteractionsCollection, BsonAutoId.Int64);
        var users = db.GetCollection(BsonCodec.UsersCollection);
        var items = db.GetCollection(BsonCodec.ItemsCollection);
        var engagementUsers = db.GetCollection(Engagement.EngagementBson.UsersCollection);
        var engagementVariants = db.GetCollection(Engagement.EngagementBson.VariantsCollection);
        dirtyUsers.Clear();
        dirtyItems.Clear();
        _dirtyEngagementUsers.Clear();
        _dirtyEngagementVariants.Clear();
        db.BeginTrans();
        foreach (var op in ops)
        {
            switch (op.Kind)
            {
                case WriteOpKind.LogInteraction:
                    log.Insert(BsonCodec.Interaction(op.Key, op.Key2!, op.InteractionKind, op.Value, op.Ticks));
                    break;
                case WriteOpKind.UserChanged:
                    dirtyUsers.Add(op.Key);
                    break;
                case WriteOpKind.ItemChanged:
                    dirtyItems.Add(op.Key);
                    break;
                case WriteOpKind.ForgetUser:
                    log.DeleteMany(Query.EQ("u", op.Key));
                    users.Delete(op.Key);
                    dirtyUsers.Add(op.Key);
                    _dirtyEngagementUsers.Add(op.Key);
                    break;
                case WriteOpKind.EngagementChanged:
                    _dirtyEngagementUsers.Add(op.Key);
                    _dirtyEngagementVariants.Add(op.Key2 ?? string.Empty);
                    break;
            }
        }

        Persist(items, dirtyItems, _itemDocument);
        Persist(users, dirtyUsers, _userDocument);
        if (_engagementUserDocument is not null && _engagementVariantDocument is not null)
        {
            Persist(engagementUsers, _dirtyEngagementUsers, _engagementUserDocument);
            Persist(engagementVariants, _dirtyEngagementVariants, _engagementVariantDocument, deleteMissing: false);
        }

        var injected = FaultInjector?.Invoke();
        if (injected is not null)
        {
            throw injected;
        }

        db.Commit();
    }

    private static bool HasFlushRequest(List<WriteOp> queue)
    {
        foreach (var op in queue)
        {
            if (op.Flush is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the current document of each changed key, or deletes it when the key no longer exists.</summary>
    private static void Persist(ILiteCollection<BsonDocument> collection, HashSet<string> keys, Func<string, BsonDocument?> current, bool deleteMissing = true)
    {
        foreach (string key in keys)
        {
            var doc = current(key);
            if (doc is not null)
            {
                collection.Upsert(doc);
            }
            else if (deleteMissing)
            {
                collection.Delete(key);
            }
        }
    }

    private void TryRollback()
    {
        try
        {
            _db?.Rollback();
        }
        catch (Exception)
        {
            // A dead instance cannot roll back; the retry reopens the file.
        }
    }

    private void Reopen()
    {
        try
        {
            _db?.Dispose();
        }
        catch (Exception)
        {
            // After an I/O failure the old instance may be unusable; a fresh one replays the kept writes.
        }

        _db = null;
        _db = OpenDatabase();
        EnsureIndexes(_db);
    }

    private static void EnsureIndexes(LiteDatabase db) =>
        db.GetCollection(BsonCodec.InteractionsCollection, BsonAutoId.Int64).EnsureIndex("u");
}
