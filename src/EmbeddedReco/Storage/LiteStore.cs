using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using EmbeddedReco.Common;
using EmbeddedReco.Diagnostics;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Storage;

/// <summary>
/// Owns the database file and the one thread that performs every LiteDB operation on it: open, migration, load, writes,
/// commits and checkpoints (LiteDB 5.0.21 corrupts files when writes or checkpoints come from more than one thread and the
/// process dies). Other threads only enqueue <see cref="WriteOp"/>s.
/// </summary>
/// <remarks>
/// Hand-off: producers (Record, UpsertItems, ...) are serialized by the queue lock and publish whole batches into a
/// <see cref="ConcurrentQueue{T}"/> (a ring that is reused once it has grown to the backlog, so queuing allocates nothing in steady
/// state); the writer thread never takes the queue lock: it counts what was published, dequeues exactly that many writes (whole
/// batches only) and sleeps on a gate of its own that a producer touches only when the writer is idle. So a producer never waits for
/// the writer (a swap, an encode, a commit, a checkpoint, a thread the OS has descheduled), ever. State writes (a profile, an
/// item's counters, a per-item state, an engagement row) are not queued one per change but coalesced into <see cref="DirtyKeys"/>:
/// the queue holds the log rows and the rare structural writes, about one write per Record. At the documented bound
/// <see cref="RecoEngineOptions.MaxPendingWrites"/> an interaction is refused (<see cref="IsFull"/>), never waited for.
/// </remarks>
/// <remarks>
/// Failure handling: a batch whose commit failed is kept, in order, ahead of newer writes and replayed (after reopening the file)
/// when the host calls Flush; log rows carry ids given when queued, so a replay of a batch that did reach the file rewrites the
/// same rows. A commit that succeeded is never replayed, even when the checkpoint after it failed (only the checkpoint is
/// retried). A batch that the database refuses because of a document (too large, a key it cannot index, a string it cannot
/// encode: the API boundary rejects all of these, so this is a last line of defence) is written one write at a time and the
/// refused writes are set aside and reported, so one bad write never holds the others hostage.
/// </remarks>
internal sealed class LiteStore : IDisposable
{
    private readonly string _path;
    private readonly bool _inMemory;
    private readonly int _dimensions;
    private readonly ILogger _logger;
    private readonly IStoreHost _host;
    private readonly long _checkpointIntervalTicks; // Stopwatch ticks; 0 = only on flush
    private readonly object _lock = new object(); // producers only: the writer thread never takes it
    private readonly object _wakeGate = new object(); // the writer sleeps on it; producers pulse it only when the writer is idle
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _opened = new ManualResetEventSlim(false);
    private Exception? _openError;
    private DatabaseFile? _file;
    private readonly ConcurrentQueue<WriteOp> _pending = new ConcurrentQueue<WriteOp>();
    private DirtyKeys _dirty = new DirtyKeys(); // producers add state keys here (see DirtyKeys); the writer swaps it with _spareDirty
    private DirtyKeys _spareDirty = new DirtyKeys(); // the writer's
    private readonly List<WriteOp> _work = new List<WriteOp>(1024);
    private readonly List<WriteOp> _failed = new List<WriteOp>();
    private readonly List<FlushRequest> _waiters = new List<FlushRequest>();
    private readonly HashSet<string> _dirtyUsers = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyItems = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<(string User, string Item)> _dirtyUserItems = new HashSet<(string User, string Item)>();
    private readonly HashSet<string> _replacedUsers = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyEngagementUsers = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyEngagementVariants = new HashSet<string>(StringComparer.Ordinal);
    private long _nextLogId = 1; // incremented under _lock, read by the writer (Interlocked)
    private long _published; // writes of complete batches enqueued (producers, under _lock)
    private long _taken; // writes dequeued by the writer thread (written by it only)
    private int _batchOps; // writes of the batch being queued (under _lock)
    private int _batchKeys; // state keys of the batch being queued (under _lock)
    private DirtyKeys? _batchDirty; // the dirty set the batch being queued is inside (under _lock)
    private bool _replaying; // the writer's current work holds kept writes of a failed commit (log rows may already exist)
    private int _queuedFlushes; // Flush requests published and not yet taken (a faulted writer retries for them)
    private int _writerIdle; // Asleep (about to be) on _wakeGate until pulsed, or Polling (it wakes by itself), or 0
    private long _lastWork; // writer only: when it last took writes (Stopwatch ticks)
    private long _producerWakeups; // times a producer woke the writer (for tests)

    /// <summary>The writer sleeps until a producer pulses it (a system call on the producer's thread).</summary>
    private const int Asleep = 1;

    /// <summary>The writer wakes by itself every <see cref="PollMilliseconds"/>: producers publish without waking it.</summary>
    private const int Polling = 2;

    /// <summary>How often a writer that had work within the last <see cref="LingerSeconds"/> looks for more, unprompted.</summary>
    private const int PollMilliseconds = 5;

    /// <summary>How long the writer keeps polling after its last work before it sleeps until pulsed (a game's menu, a pause).</summary>
    private const double LingerSeconds = 1.0;
    private Exception? _fault;
    private bool _checkpointOwed; // a commit succeeded but its checkpoint failed
    private int _retryRequested;
    private volatile bool _stop;
    private long _lastCheckpoint;
    private int _setAside;

    private readonly int _maxPending;
    private long _batchesBegun;

    private LiteStore(string path, int dimensions, int maxPending, ILogger logger, TimeSpan checkpointInterval, IStoreHost host)
    {
        _maxPending = maxPending;
        _path = path;
        _inMemory = string.Equals(path, RecoEngineOptions.InMemory, StringComparison.Ordinal);
        _dimensions = dimensions;
        _logger = logger;
        _host = host;
        _checkpointIntervalTicks = checkpointInterval == Timeout.InfiniteTimeSpan
            ? 0
            : (long)(checkpointInterval.TotalSeconds * Stopwatch.Frequency);
        _thread = new Thread(Run) { IsBackground = true, Name = "EmbeddedReco writer" };
        QueueRing.Grow(_pending, RingWrites); // the first backlogs after open do not allocate on the game's thread
    }

    /// <summary>
    /// Writes the ring holds before it must grow (about 800 KB: a queued write and its slot take about 100 bytes): a backlog within
    /// it never allocates on a producer. The game-loop demo's backlog peaks at 1,100-4,200 writes on a shared 2-core VM (the
    /// writer's speed varies with the machine's load).
    /// </summary>
    internal const int RingWrites = 8192;

    /// <summary>Test seam: called on the writer thread before each commit; a returned exception fails that batch.</summary>
    internal Func<Exception?>? FaultInjector { get; set; }

    /// <summary>Test seam: called on the writer thread after each commit; a returned exception fails the batch although it reached the file.</summary>
    internal Func<Exception?>? AfterCommitFaultInjector { get; set; }

    /// <summary>Test seam: called on the writer thread for each write of a batch; a returned exception fails the write.</summary>
    internal Func<WriteOp, Exception?>? WriteFaultInjector { get; set; }

    /// <summary>Test seam: called on the writer thread before each checkpoint; a returned exception fails it.</summary>
    internal Func<Exception?>? CheckpointFaultInjector { get; set; }

    /// <summary>Writes the database refused and that were set aside (reported in the log); see the remarks of the class.</summary>
    public int SetAsideCount => Volatile.Read(ref _setAside);

    /// <summary>Test seam: the open LiteDB instance (touch it on the writer thread only, e.g. from a fault injector).</summary>
    internal LiteDatabase? Database => _file?.Db;

    /// <summary>True while a storage failure is unresolved (changes are refused until a Flush succeeds).</summary>
    public bool IsFaulted => Volatile.Read(ref _fault) is not null;

    /// <summary>Opens the file on the writer thread, loads it through <paramref name="host"/> there, and returns once both are done.</summary>
    public static LiteStore Open(string path, int dimensions, int maxPendingWrites, ILogger logger, TimeSpan checkpointInterval, IStoreHost host)
    {
        var store = new LiteStore(path, dimensions, maxPendingWrites, logger, checkpointInterval, host);
        store._thread.Start();
        store._opened.Wait();
        var error = store._openError;
        if (error is not null)
        {
            store._thread.Join();
            // Our own argument errors name the option; anything else thrown while reading (LiteDB on a damaged page throws
            // ArgumentOutOfRangeException, InvalidCastException, ...) means the file could not be read.
            if (error is RecoException || (error is ArgumentException arg && arg.ParamName?.StartsWith("options", StringComparison.Ordinal) == true))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            }

            throw new RecoException(RecoErrorCode.StorageCorrupt, $"Could not read the database '{path}': {error.Message}", error);
        }

        return store;
    }

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
    /// Starts queueing many writes under one acquisition of the queue lock and one wake-up of the writer: the writer never
    /// commits part of a batch (an UpsertItems, a Record's log row, profile and engagement, a snapshot load). Never waits for the
    /// writer. Dispose the batch to release the lock; keep it short: other producers wait meanwhile (the writer does not).
    /// </summary>
    public QueueBatch BeginBatch()
    {
        Monitor.Enter(_lock);
        Interlocked.Increment(ref _batchesBegun);
        if (_stop)
        {
            Monitor.Exit(_lock);
            throw new ObjectDisposedException(nameof(RecoEngine));
        }

        _batchOps = 0;
        _batchKeys = 0;
        _batchDirty = DirtyKeys.Enter(ref _dirty);
        return new QueueBatch(this);
    }

    /// <summary>
    /// True when <see cref="RecoEngineOptions.MaxPendingWrites"/> writes wait for the writer: a flood has outrun the disk, and an
    /// interaction is refused rather than queued (checked by producers under the engine's mutation lock, which serializes them).
    /// </summary>
    public bool IsFull => Pending >= _maxPending;

    /// <summary>Writes published and not yet taken by the writer thread.</summary>
    private long Pending => Interlocked.Read(ref _published) - Interlocked.Read(ref _taken);

    /// <summary>Writes queued and not yet taken by the writer thread (for tests and diagnostics).</summary>
    internal int PendingWrites => (int)Pending;

    /// <summary>Times a producer woke the writer with a pulse (a system call on the producer's thread); for tests.</summary>
    internal long ProducerWakeups => Interlocked.Read(ref _producerWakeups);

    /// <summary>Batches (and single writes) ever started by producers: unchanged across a call proves it queued nothing (for tests).</summary>
    internal long BatchesBegun => Interlocked.Read(ref _batchesBegun);

    /// <summary>Writes queued under the store's lock; see <see cref="BeginBatch"/>.</summary>
    internal readonly ref struct QueueBatch
    {
        private readonly LiteStore _store;

        public QueueBatch(LiteStore store)
        {
            _store = store;
        }

        public void Add(in WriteOp op)
        {
            if (_store._batchDirty!.TryAdd(op))
            {
                _store._batchKeys++;
                return;
            }

            _store._pending.Enqueue(op.Kind == WriteOpKind.LogInteraction ? op.WithSequence(Interlocked.Increment(ref _store._nextLogId) - 1) : op);
            _store._batchOps++;
        }

        public void Dispose()
        {
            var store = _store;
            int ops = store._batchOps;
            if (ops == 0 && store._batchKeys > 0)
            {
                store._pending.Enqueue(new WriteOp(WriteOpKind.StateChanged, string.Empty)); // wakes the writer and is counted
                ops = 1;
            }

            store._batchOps = 0;
            store._batchKeys = 0;
            if (ops > 0)
            {
                store.Publish(ops);
            }

            store._batchDirty!.Exit();
            store._batchDirty = null;
            Monitor.Exit(store._lock);
        }
    }

    /// <summary>
    /// Makes the last <paramref name="ops"/> enqueued writes (one whole batch) visible to the writer and wakes it if it sleeps until
    /// pulsed; a polling writer (busy within the last second: a game in play) finds them within <see cref="PollMilliseconds"/>
    /// without the producer paying a wake-up system call, unless <paramref name="urgent"/> (a Flush waits for it). Under
    /// <see cref="_lock"/>. The full fence of the add pairs with the writer's fence on <see cref="_writerIdle"/>: one of the two sees the other.
    /// </summary>
    private void Publish(int ops, bool urgent = false)
    {
        Interlocked.Add(ref _published, ops);
        int idle = Volatile.Read(ref _writerIdle);
        if ((idle == Asleep || (idle == Polling && urgent)) && Interlocked.CompareExchange(ref _writerIdle, 0, idle) == idle)
        {
            Interlocked.Increment(ref _producerWakeups);
            lock (_wakeGate)
            {
                Monitor.Pulse(_wakeGate); // the writer holds this gate only between its last check and its wait
            }
        }
    }

    /// <summary>Log rows kept at most (0 = no cap): older rows are pruned at each checkpoint (see <see cref="LogRows"/>).</summary>
    internal long MaxLogRows { get; set; }

    /// <summary>The id given to the latest log row queued (0 before the first).</summary>
    internal long LastLogId => NextLogIdNow() - 1;

    /// <summary>Returns when everything enqueued before the call is committed and checkpointed; retries after a failure.</summary>
    /// <param name="work">Optional read run on the writer thread once that is done (its exception is the Flush's error).</param>
    public void Flush(Action<LiteDatabase>? work = null)
    {
        var request = new FlushRequest { Work = work };
        lock (_lock)
        {
            if (_stop)
            {
                throw new ObjectDisposedException(nameof(RecoEngine));
            }

            _pending.Enqueue(new WriteOp(WriteOpKind.Flush, string.Empty, flush: request));
            Interlocked.Increment(ref _queuedFlushes);
            if (Volatile.Read(ref _fault) is not null)
            {
                Volatile.Write(ref _retryRequested, 1);
            }

            Publish(1, urgent: true);
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
        }

        lock (_wakeGate)
        {
            Monitor.PulseAll(_wakeGate);
        }

        _thread.Join();
        _opened.Dispose();
    }

    private static RecoException Faulted(Exception fault) => fault as RecoException ?? new RecoException(
        RecoErrorCode.StorageWriteFailed,
        $"Writing to the database failed: {fault.Message}. Pending writes are kept; call Flush() to retry.",
        fault);

    /// <summary>
    /// A failure that says "this document cannot be stored" (whatever the disk does), as opposed to an I/O or engine failure,
    /// after which every write is kept for a retry. Only such writes are ever set aside.
    /// </summary>
    private static bool IsRefusedWrite(Exception ex) => ex switch
    {
        System.Text.EncoderFallbackException => true,
        LiteException lite => lite.ErrorCode == LiteException.INVALID_INDEX_KEY
            || lite.ErrorCode == LiteException.INVALID_NULL_CHAR_STRING
            || lite.ErrorCode == LiteException.DOCUMENT_MAX_DEPTH
            || (lite.ErrorCode == 0 && lite.Message.StartsWith("Document size exceed", StringComparison.Ordinal)),
        _ => false,
    };

    // ---- the writer thread ----

    private void Run()
    {
        if (!OpenAndLoad())
        {
            return;
        }

        _lastCheckpoint = Stopwatch.GetTimestamp();
        while (true)
        {
            bool stopping = WaitForWork(out bool retrying);
            bool checkpoint = CollectWaiters() || stopping || retrying || CheckpointDue();
            bool committed = false;
            try
            {
                if (retrying && !_inMemory)
                {
                    _file!.Reopen();
                }

                if (checkpoint)
                {
                    _host.CollectDeferredWrites(_work);
                    LogRows.AddCapPrune(_work, MaxLogRows, NextLogIdNow());
                }

                Commit();
                committed = true;
                if (checkpoint || _checkpointOwed)
                {
                    Checkpoint(stopping ? "dispose" : _waiters.Count > 0 ? "flush" : retrying ? "recovery" : "interval");
                }

                Recovered(retrying);
                Housekeeping();
                foreach (var w in _waiters)
                {
                    LogRows.RunWork(w, _file!.Db);
                    w.Done.Set();
                }
            }
            catch (Exception ex)
            {
                Fail(ex, committed);
            }

            _work.Clear();
            if (stopping)
            {
                Shutdown();
                return;
            }
        }
    }

    private bool OpenAndLoad()
    {
        try
        {
            _file = _inMemory
                ? DatabaseFile.InMemory(db => StorageFormat.Initialize(db, _dimensions))
                : DatabaseFile.Open(_path, db => StorageFormat.Initialize(db, _dimensions), StorageFormat.IsFormatOne, StorageFormat.Migrate);
            if (_file.Migrated)
            {
                Log.StorageMigrated(_logger, _path, StorageFormat.Version);
            }

            var db = _file.Db;
            StorageFormat.CheckMeta(db, _dimensions, _path);
            _nextLogId = Math.Max(StorageFormat.NextLogId(db), LogRows.ReadNextId(db));
            _host.Load(StoreLoader.Load(db, _dimensions, _path));
            _file.AllowWrites();
            StorageFormat.EnsureIndexes(db);
        }
        catch (Exception ex)
        {
            _openError = ex;
            try
            {
                _file?.Dispose();
            }
            catch (Exception)
            {
                // The original error is what matters.
            }

            _opened.Set();
            return false;
        }

        _opened.Set();
        return true;
    }

    /// <summary>
    /// Waits until there is something to do and takes it: any kept batch, then every published write (whole batches only) into
    /// <see cref="_work"/>. Never takes the producers' lock.
    /// </summary>
    private bool WaitForWork(out bool retrying)
    {
        while (!_stop)
        {
            if (Volatile.Read(ref _fault) is not null)
            {
                // A Flush that was queued before the fault was known also asks for a retry (else it would wait forever).
                if (RetryWanted())
                {
                    break;
                }

                Sleep(Timeout.InfiniteTimeSpan, faulted: true, Asleep);
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            if (Pending > 0)
            {
                _lastWork = now;
                break;
            }

            long remaining = _checkpointIntervalTicks > 0 ? _lastCheckpoint + _checkpointIntervalTicks - now : long.MaxValue;
            if (remaining <= 0)
            {
                break;
            }

            bool poll = now - _lastWork < (long)(LingerSeconds * Stopwatch.Frequency);
            TimeSpan timeout = remaining == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency);
            if (poll && (timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.FromMilliseconds(PollMilliseconds)))
            {
                timeout = TimeSpan.FromMilliseconds(PollMilliseconds);
            }

            Sleep(timeout, faulted: false, poll ? Polling : Asleep);
        }

        retrying = Volatile.Read(ref _fault) is not null;
        Volatile.Write(ref _retryRequested, 0);
        _work.Clear();
        _replaying = _failed.Count > 0;
        if (_replaying)
        {
            _work.AddRange(_failed);
            _failed.Clear();
        }

        // Read the stop before taking: once it is set no producer can publish (both happen under the queue lock), so a stopping
        // take is the last and holds everything. Read after the take, a stop set meanwhile would end the writer with the writes
        // published during the take still queued.
        bool stopping = _stop;
        Take();
        return stopping;
    }

    private bool RetryWanted() => Volatile.Read(ref _retryRequested) != 0 || Volatile.Read(ref _queuedFlushes) > 0;

    /// <summary>
    /// Moves every published write into <see cref="_work"/> (producers keep publishing meanwhile), then swaps out the dirty keys and
    /// adds one write per key. The count is read before the swap, so every batch taken has its keys in the swapped set (a batch
    /// published after the count may have its keys there too: its state is written one commit early, never late).
    /// </summary>
    private void Take()
    {
        long available = Pending;
        for (long i = 0; i < available; i++)
        {
            if (!_pending.TryDequeue(out var op))
            {
                throw new InvalidOperationException("The write queue lost a published write."); // cannot happen: FIFO, published after enqueue
            }

            if (op.Flush is not null)
            {
                Interlocked.Decrement(ref _queuedFlushes);
            }

            _work.Add(op);
        }

        Interlocked.Add(ref _taken, available);
        var dirty = Interlocked.Exchange(ref _dirty, _spareDirty);
        dirty.DrainInto(_work);
        _spareDirty = dirty;
    }

    /// <summary>The engine's housekeeping after a commit (<see cref="IStoreHost.AfterCommit"/>): a failure is logged, never the writer's.</summary>
    private void Housekeeping()
    {
        try
        {
            _host.AfterCommit();
        }
        catch (Exception ex)
        {
            Log.HousekeepingFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Sleeps until a producer publishes (or a retry is asked for when <paramref name="faulted"/>), a stop, or the timeout;
    /// <paramref name="mode"/> tells producers whether to pulse (<see cref="Asleep"/>) or not (<see cref="Polling"/>).
    /// </summary>
    private void Sleep(TimeSpan timeout, bool faulted, int mode)
    {
        Interlocked.Exchange(ref _writerIdle, mode);
        lock (_wakeGate)
        {
            bool wake = _stop || (faulted ? RetryWanted() : Pending > 0);
            if (!wake)
            {
                Monitor.Wait(_wakeGate, timeout);
            }
        }

        Interlocked.Exchange(ref _writerIdle, 0);
    }

    private bool CollectWaiters()
    {
        _waiters.Clear();
        foreach (var op in _work)
        {
            if (op.Flush is not null)
            {
                _waiters.Add(op.Flush);
            }
        }

        return _waiters.Count > 0;
    }

    private bool CheckpointDue() =>
        _checkpointIntervalTicks > 0 && Stopwatch.GetTimestamp() - _lastCheckpoint >= _checkpointIntervalTicks;

    /// <summary>Writes <see cref="_work"/> in one transaction; when the database refuses a document, isolates and sets aside the refused writes.</summary>
    private void Commit()
    {
        if (!HasWrites(_work))
        {
            return;
        }

        try
        {
            WriteBatch(_work);
        }
        catch (Exception ex) when (IsRefusedWrite(ex))
        {
            TryRollback();
            Log.StorageIsolating(_logger, ex, _work.Count);
            CommitOneByOne();
        }
    }

    /// <summary>Writes each write in its own transaction; writes the database still refuses are set aside and reported.</summary>
    private void CommitOneByOne()
    {
        var single = new List<WriteOp>(1);
        foreach (var op in _work)
        {
            if (op.Kind == WriteOpKind.Flush)
            {
                continue;
            }

            single.Clear();
            single.Add(op);
            try
            {
                WriteBatch(single);
            }
            catch (Exception ex) when (IsRefusedWrite(ex))
            {
                TryRollback();
                Interlocked.Increment(ref _setAside);
                Log.StorageWriteSetAside(_logger, ex, op.Kind.ToString(), op.Key);
            }
        }
    }

    private void Checkpoint(string reason)
    {
        var injected = CheckpointFaultInjector?.Invoke();
        if (injected is not null)
        {
            throw injected;
        }

        _file!.Db.Checkpoint();
        _checkpointOwed = false;
        _lastCheckpoint = Stopwatch.GetTimestamp();
        Log.Checkpointed(_logger, reason);
    }

    private void Recovered(bool retrying)
    {
        if (!retrying)
        {
            return;
        }

        Volatile.Write(ref _fault, null);
        Log.StorageRecovered(_logger);
    }

    /// <summary>
    /// A commit or checkpoint failed: the uncommitted writes are kept ahead of newer ones (a committed batch is not: only its
    /// checkpoint is owed), changes are refused until a Flush succeeds, and every waiting Flush gets the error.
    /// </summary>
    private void Fail(Exception ex, bool committed)
    {
        TryRollback();
        if (committed)
        {
            // The batch reached the file; only the checkpoint is retried.
            _work.Clear();
            _checkpointOwed = true;
        }

        foreach (var op in _work)
        {
            if (op.Kind != WriteOpKind.Flush)
            {
                _failed.Add(op);
            }
        }

        int kept = _failed.Count + (int)Pending;
        Volatile.Write(ref _fault, ex);

        Log.StorageWriteFailed(_logger, ex, kept);
        foreach (var w in _waiters)
        {
            w.Error = ex;
            w.Done.Set();
        }
    }

    private void Shutdown()
    {
        // Anyone who enqueued a flush after the stop signal gets an answer instead of waiting forever.
        while (_pending.TryDequeue(out var op))
        {
            if (op.Flush is not null)
            {
                op.Flush.Error = new ObjectDisposedException(nameof(RecoEngine));
                op.Flush.Done.Set();
            }
        }

        if (_failed.Count > 0)
        {
            Log.StorageWritesLostAtDispose(_logger, _failed.Count);
        }

        try
        {
            _file?.Dispose();
        }
        catch (Exception ex)
        {
            Log.StorageWriteFailed(_logger, ex, _failed.Count);
        }
    }

    private void WriteBatch(List<WriteOp> ops)
    {
        var db = _file!.Db;
        var log = db.GetCollection(BsonCodec.InteractionsCollection, BsonAutoId.Int64);
        _dirtyUsers.Clear();
        _dirtyItems.Clear();
        _dirtyUserItems.Clear();
        _replacedUsers.Clear();
        _dirtyEngagementUsers.Clear();
        _dirtyEngagementVariants.Clear();
        db.BeginTrans();
        foreach (var op in ops)
        {
            Apply(db, log, op);
        }

        PersistDirty(db);
        var injected = FaultInjector?.Invoke();
        if (injected is not null)
        {
            throw injected;
        }

        db.Commit();
        if (AfterCommitFaultInjector?.Invoke() is { } afterCommit)
        {
            throw afterCommit;
        }
    }

    /// <summary>Applies one write inside the open transaction: a log row is written at once, the others mark keys dirty (or delete).</summary>
    private void Apply(LiteDatabase db, ILiteCollection<BsonDocument> log, WriteOp op)
    {
        if (WriteFaultInjector?.Invoke(op) is { } refused)
        {
            throw refused;
        }

        switch (op.Kind)
        {
            case WriteOpKind.LogInteraction:
                var row = BsonCodec.Interaction(op.Sequence, op.Key, op.Key2!, op.InteractionKind, op.Value, op.Ticks, op.Shown);
                if (_replaying)
                {
                    log.Upsert(row); // a kept write: its commit may have reached the file before it failed
                }
                else
                {
                    log.Insert(row); // a new id: an insert costs a third less than an upsert (no lookup first)
                }

                break;
            case WriteOpKind.UserChanged:
                _dirtyUsers.Add(op.Key);
                break;
            case WriteOpKind.ItemChanged:
                _dirtyItems.Add(op.Key);
                break;
            case WriteOpKind.UserItemChanged:
                _dirtyUserItems.Add((op.Key, op.Key2!));
                break;
            case WriteOpKind.UserReplaced:
                ReplaceUserItems(db, op.Key);
                _dirtyUsers.Add(op.Key);
                break;
            case WriteOpKind.ForgetUser:
                log.DeleteMany(Query.EQ("u", op.Key));
                db.GetCollection(BsonCodec.UserItemsCollection).DeleteMany(Query.EQ("u", op.Key));
                db.GetCollection(BsonCodec.UsersCollection).Delete(op.Key);
                LogRows.SaveNextId(db, NextLogIdNow());
                _dirtyUsers.Add(op.Key);
                _dirtyEngagementUsers.Add(op.Key);
                break;
            case WriteOpKind.PruneLog:
                LogRows.Prune(db, log, op.Sequence, NextLogIdNow());
                break;
            case WriteOpKind.EngagementChanged:
                _dirtyEngagementUsers.Add(op.Key);
                _dirtyEngagementVariants.Add(op.Key2 ?? string.Empty);
                break;
        }
    }

    /// <summary>Encodes every dirty key from the live state and writes it (or deletes what is gone), inside the open transaction.</summary>
    private void PersistDirty(LiteDatabase db)
    {
        Persist(db.GetCollection(BsonCodec.ItemsCollection), _dirtyItems, key => StoreDocuments.Item(_host, key));
        Persist(db.GetCollection(BsonCodec.UsersCollection), _dirtyUsers, key => StoreDocuments.User(_host, key));
        var userItems = db.GetCollection(BsonCodec.UserItemsCollection);
        foreach (var (user, item) in _dirtyUserItems)
        {
            var doc = StoreDocuments.UserItem(_host, user, item);
            if (doc is not null)
            {
                userItems.Upsert(DocumentChecksum.Seal(doc));
            }
            else
            {
                userItems.Delete(BsonCodec.UserItemId(user, item));
            }
        }

        Persist(db.GetCollection(EngagementBson.UsersCollection), _dirtyEngagementUsers, key => StoreDocuments.EngagementUser(_host, key));
        Persist(db.GetCollection(EngagementBson.VariantsCollection), _dirtyEngagementVariants, key => StoreDocuments.EngagementVariant(_host, key), deleteMissing: false);
    }

    /// <summary>Rewrites every per-item state of a player (a snapshot replaced it): the old ones go, the current ones are inserted.</summary>
    private void ReplaceUserItems(LiteDatabase db, string userId)
    {
        if (!_replacedUsers.Add(userId))
        {
            return;
        }

        var userItems = db.GetCollection(BsonCodec.UserItemsCollection);
        userItems.DeleteMany(Query.EQ("u", userId));
        var docs = StoreDocuments.UserItems(_host, userId);
        foreach (var doc in docs)
        {
            DocumentChecksum.Seal(doc);
        }

        if (docs.Count > 0)
        {
            userItems.Insert(docs);
        }
    }

    private long NextLogIdNow() => Interlocked.Read(ref _nextLogId);

    private static bool HasWrites(List<WriteOp> ops)
    {
        foreach (var op in ops)
        {
            if (op.Kind != WriteOpKind.Flush)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the current document of each changed key (sealed with its checksum), or deletes it when the key no longer exists.</summary>
    private static void Persist(ILiteCollection<BsonDocument> collection, HashSet<string> keys, Func<string, BsonDocument?> current, bool deleteMissing = true)
    {
        foreach (string key in keys)
        {
            var doc = current(key);
            if (doc is not null)
            {
                collection.Upsert(DocumentChecksum.Seal(doc));
            }
            else if (deleteMissing)
            {
                collection.Delete(key);
            }
        }
    }

    /// <summary>Rolls back after a failed write; reopens the file when LiteDB could not roll back (its instance is then unusable).</summary>
    private void TryRollback()
    {
        if (_file is null || _file.TryRollback() || _inMemory)
        {
            return;
        }

        try
        {
            _file.Reopen();
        }
        catch (Exception)
        {
            // The file cannot be reopened now; the kept writes wait for the retry, which reopens again.
        }
    }
}
