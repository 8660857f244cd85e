using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using EmbeddedReco.Catalog;
using EmbeddedReco.Snapshots;
using EmbeddedReco.Storage;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>Test seam: wraps the temp-file stream of <see cref="SaveSnapshot(string, SnapshotOptions?)"/> (e.g. to fail partway).</summary>
    internal Func<Stream, Stream>? SnapshotFileStreamDecorator { get; set; }

    /// <summary>
    /// Writes a snapshot of the engine to a stream: a fixed header (magic, format version, flags, lengths, XxHash64 checksum) and a
    /// MessagePack payload with the catalog, the scoring-relevant settings and, per <paramref name="options"/>, popularity
    /// counters and player profiles. The state is captured atomically (no interaction is half-included); encoding and writing
    /// happen after the capture, without blocking <see cref="Record(in Interaction)"/> or <see cref="Suggest(string)"/>.
    /// </summary>
    /// <param name="stream">A writable stream; written from its current position and left open.</param>
    /// <param name="options">What to include; null = <see cref="SnapshotOptions"/> defaults (catalog + popularity, no profiles, no compression).</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable, or an option is invalid.</exception>
    /// <exception cref="RecoException">The snapshot would exceed <see cref="SnapshotOptions.MaxSnapshotBytes"/>
    /// (<see cref="RecoErrorCode.SnapshotTooLarge"/>, nothing written), or the stream failed: an I/O error, a stream that cannot grow
    /// (a fixed-size <see cref="MemoryStream"/>), a closed stream or denied access (<see cref="RecoErrorCode.SnapshotWriteFailed"/>,
    /// the stream's exception as <see cref="Exception.InnerException"/>; the stream may hold part of the snapshot). The engine is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void SaveSnapshot(Stream stream, SnapshotOptions? options = null)
    {
        ThrowIfDisposed();
        SnapshotFiles.CheckStream(stream, write: true);
        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var model = CaptureSnapshot(options);
        try
        {
            SnapshotFiles.WriteTo(stream, model, options);
        }
        finally
        {
            model.ReleaseSource();
        }
    }

    /// <summary>
    /// Writes a snapshot to a file atomically: the snapshot goes to a temporary file beside <paramref name="path"/>, is flushed to
    /// disk, then renamed over <paramref name="path"/>. A failure (or a crash) before the rename leaves any previous file at
    /// <paramref name="path"/> intact; the temporary file is deleted on failure. See <see cref="SaveSnapshot(Stream, SnapshotOptions?)"/>.
    /// </summary>
    /// <param name="path">The snapshot file; its folder must exist. An existing snapshot (signed or not) or empty file is replaced; any
    /// other existing file is refused and left unchanged.</param>
    /// <param name="options">What to include; null = <see cref="SnapshotOptions"/> defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or an option is invalid.</exception>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotWriteFailed"/> when a file that is not a snapshot is at
    /// <paramref name="path"/>, or when the file cannot be created, written or renamed (missing folder, a directory at <paramref name="path"/>, denied access, full disk, over-long path; the original error is
    /// the <see cref="Exception.InnerException"/>; the previous file is intact); <see cref="RecoErrorCode.SnapshotTooLarge"/> as for the
    /// stream overload. The engine is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void SaveSnapshot(string path, SnapshotOptions? options = null)
    {
        ThrowIfDisposed();
        SnapshotFiles.CheckPath(path);
        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var model = CaptureSnapshot(options);
        try
        {
            SnapshotFiles.WriteAtomically(path, model, options, SnapshotFileStreamDecorator);
        }
        finally
        {
            model.ReleaseSource();
        }
    }

    /// <summary>
    /// Replaces the engine's catalog (and, when the snapshot holds them, popularity counters and player profiles) with the content of a
    /// snapshot, in one atomic step. The snapshot is read completely, its checksum verified, then parsed and validated against this
    /// engine (same <see cref="RecoEngineOptions.Dimensions"/>, ids within <see cref="RecoEngineOptions.MaxIdBytes"/>, finite values);
    /// only then is the new state published. On any failure the engine is exactly unchanged.
    /// </summary>
    /// <remarks>
    /// <para>Catalog: the engine's items become exactly the snapshot's items (in the snapshot's order); items not in it are removed.</para>
    /// <para>Popularity: from the snapshot when it has them; otherwise items whose id was already in the catalog keep their counters and
    /// the others start at zero.</para>
    /// <para>Profiles: when the snapshot has profiles, they replace every profile of the engine (players absent from the snapshot are
    /// removed; their rows in the interaction log are kept: use <see cref="ForgetUser"/> to erase a player). When it has none, the
    /// engine's profiles stay as they are.</para>
    /// <para>Settings recorded in the snapshot other than the dimensions (half-lives, engagement weights) are informational: the engine
    /// keeps its own <see cref="RecoEngineOptions"/>.</para>
    /// <para>Persistence: the change is queued to the database file like any other write (items added, replaced and removed; profiles
    /// replaced and removed); call <see cref="Flush"/> to have it on disk.</para>
    /// <para>Memory: by default the replaced catalog is kept, and the next load of a catalog with as many items overwrites its arrays
    /// instead of allocating (see <see cref="SnapshotOptions.ReuseReplacedCatalog"/>).</para>
    /// <para>Reads the 48-byte header plus the payload it announces from the stream's current position and leaves the stream open,
    /// positioned after the snapshot.</para>
    /// </remarks>
    /// <param name="stream">A readable stream positioned at the start of a snapshot.</param>
    /// <param name="options">Only <see cref="SnapshotOptions.MaxSnapshotBytes"/> and <see cref="SnapshotOptions.ReuseReplacedCatalog"/>
    /// are used; null = their defaults (1 GiB; true).</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable, or an option is invalid.</exception>
    /// <exception cref="RecoException">The snapshot is bad: <see cref="RecoErrorCode.SnapshotBadMagic"/>,
    /// <see cref="RecoErrorCode.SnapshotUnsupportedVersion"/>, <see cref="RecoErrorCode.SnapshotChecksumMismatch"/>,
    /// <see cref="RecoErrorCode.SnapshotTruncated"/>, <see cref="RecoErrorCode.SnapshotTooLarge"/> or
    /// <see cref="RecoErrorCode.SnapshotInvalid"/> (including a dimension mismatch). Or a storage code: a previous storage failure
    /// has not been resolved by <see cref="Flush"/>. Or <see cref="RecoErrorCode.SnapshotReadFailed"/>: the stream threw (an I/O error,
    /// a closed stream, an unsupported operation, denied access; the original error is the <see cref="Exception.InnerException"/>).
    /// The engine is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void LoadSnapshot(Stream stream, SnapshotOptions? options = null)
    {
        ThrowIfDisposed();
        SnapshotFiles.CheckStream(stream, write: false);
        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var recycle = _state.TakeSpare();
        ApplySnapshot(SnapshotFiles.ReadFrom(stream, options, recycle), recycle, options.ReuseReplacedCatalog);
    }

    /// <summary>Loads a snapshot file; see <see cref="LoadSnapshot(Stream, SnapshotOptions?)"/> for the semantics.</summary>
    /// <param name="path">The snapshot file.</param>
    /// <param name="options">Only <see cref="SnapshotOptions.MaxSnapshotBytes"/> and <see cref="SnapshotOptions.ReuseReplacedCatalog"/>
    /// are used; null = their defaults (1 GiB; true).</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or an option is invalid.</exception>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotReadFailed"/> when the file cannot be opened or read (it does
    /// not exist, is a directory, access is denied, an I/O error; the original error is the <see cref="Exception.InnerException"/>);
    /// a snapshot code when the snapshot is bad, or a storage code (see the stream overload). The engine is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void LoadSnapshot(string path, SnapshotOptions? options = null)
    {
        ThrowIfDisposed();
        SnapshotFiles.CheckPath(path);
        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var model = SnapshotFiles.ReadFile(path, options, _state.TakeSpare, out var recycle);
        ApplySnapshot(model, recycle, options.ReuseReplacedCatalog);
    }

    /// <summary>
    /// Copies the state to save: the counters and references under the mutation lock (microseconds: Record and upserts never wait
    /// for a snapshot's copy), the model's weights and the profiles outside it; see <see cref="SnapshotMapper.Capture"/>.
    /// </summary>
    internal SnapshotModel CaptureSnapshot(SnapshotOptions options)
    {
        SnapshotModel model;
        PendingCapture pending;
        lock (_mutation)
        {
            ThrowIfDisposed();
            model = SnapshotMapper.Capture(_state.Catalog, _state.Model, _state.Players, options, SnapshotSettings.From(_options), out pending);
        }

        try
        {
            SnapshotMapper.Complete(model, pending);
        }
        catch
        {
            model.Source?.Exit();
            throw;
        }

        return model;
    }

    /// <summary>
    /// Validates a decoded snapshot, builds the complete next state, then publishes it in one step under the mutation lock.
    /// <paramref name="recycle"/>: the closed spare catalog the reader may have written into; its index is reused too.
    /// <paramref name="keepSpare"/>: keep the replaced catalog as the next load's spare.
    /// </summary>
    private void ApplySnapshot(SnapshotModel model, CatalogSnapshot? recycle, bool keepSpare)
    {
        SnapshotValidator.Validate(model, _options.Dimensions, _options.MaxIdBytes, recycle?.Index);
        var trainedModel = SnapshotMapper.BuildModel(model.Collaborative, _options.MaxIdBytes);
        var next = SnapshotMapper.BuildCatalog(model, recycle);
        var nextUsers = SnapshotMapper.BuildProfiles(model);
        if (_options.Precision == ScoringPrecision.Int8)
        {
            next.Quantize(recycle?.Quantized); // outside the mutation lock; into the closed spare's int8 arrays when they fit: Record and upserts do not wait (rebuilt, not stored: docs/snapshots.md)
        }

        lock (_catalogChange) // a concurrent UpsertItems must not publish a catalog built from the one this load replaces
        {
            var old = _state.Catalog; // stays current: catalog replacements hold _catalogChange
            int[]? kept = model.HasPopularity ? null : next.RowsIn(old); // the id lookups outside the mutation lock
            lock (_mutation)
            {
                ThrowIfDisposed();
                _store.ThrowIfFaulted();
                if (kept is not null)
                {
                    next.Counters.CarryFrom(old.Counters, kept); // items that stay keep their live counters (they change under this lock)
                }

                SwapIn(next, old, trainedModel, nextUsers, keepSpare);
            }
        }

        _warmup.Request(next);
    }

    /// <summary>Publishes a loaded state and queues its writes (under the mutation lock).</summary>
    private void SwapIn(CatalogSnapshot next, CatalogSnapshot old, Collaborative.TrainedModel? trainedModel, ConcurrentDictionary<string, Profiles.UserState>? nextUsers, bool keepSpare)
    {
        var oldUsers = _state.Swap(next, trainedModel, nextUsers);
        if (nextUsers is not null)
        {
            _state.Players.ClearShownLists(); // the list memory and seed streams belonged to the replaced profiles
        }

        StateWrites.QueueReplaced(_store, old, next, oldUsers, nextUsers);

        // Only now may a concurrent load recycle the replaced catalog: its ids were read just above.
        _state.KeepSpare(keepSpare ? old : null);
    }
}
