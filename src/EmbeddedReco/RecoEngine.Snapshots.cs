using System;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Profiles;
using EmbeddedReco.Snapshots;
using EmbeddedReco.Storage;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>Test seam: wraps the temp-file stream of <see cref="SaveSnapshot(string, SnapshotOptions?)"/> (e.g. to fail partway).</summary>
    internal Func<Stream, Stream>? SnapshotFileStreamDecorator { get; set; }

    /// <summary>Test seam: runs in the middle of a snapshot load's swap (after the catalog, before the model and profiles), to
    /// widen the window in which a concurrent Suggest could otherwise combine parts of two states.</summary>
    internal Action? SnapshotSwapPause { get; set; }

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
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (!stream.CanWrite)
        {
            throw new ArgumentException("The snapshot stream must be writable.", nameof(stream));
        }

        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var model = CaptureSnapshot(options);
        try
        {
            SnapshotWriter.Write(stream, model, options.Compression, options.MaxSnapshotBytes);
            stream.Flush();
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotWriteFailed, $"Writing the snapshot failed: {ex.Message}", ex);
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
    /// <param name="path">The snapshot file; its folder must exist. An existing file is replaced.</param>
    /// <param name="options">What to include; null = <see cref="SnapshotOptions"/> defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or an option is invalid.</exception>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotWriteFailed"/> when the file cannot be created, written or
    /// renamed (missing folder, a directory at <paramref name="path"/>, denied access, full disk, over-long path; the original error is
    /// the <see cref="Exception.InnerException"/>; the previous file is intact); <see cref="RecoErrorCode.SnapshotTooLarge"/> as for the
    /// stream overload. The engine is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void SaveSnapshot(string path, SnapshotOptions? options = null)
    {
        ThrowIfDisposed();
        CheckPath(path);
        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var model = CaptureSnapshot(options);
        string? temp = null;
        try
        {
            string full = Path.GetFullPath(path);
            temp = full + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp";
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var target = SnapshotFileStreamDecorator?.Invoke(file) ?? file;
                SnapshotWriter.Write(target, model, options.Compression, options.MaxSnapshotBytes);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            ReplaceFile(temp, full);
        }
        catch (Exception ex) when (IsIoFailure(ex) || ex is RecoException)
        {
            if (temp is not null)
            {
                TryDelete(temp);
            }

            if (ex is RecoException reco && reco.Code != RecoErrorCode.SnapshotWriteFailed)
            {
                throw;
            }

            throw new RecoException(RecoErrorCode.SnapshotWriteFailed, $"Writing the snapshot '{path}' failed; any previous file there is intact: {ex.Message}", ex);
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
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (!stream.CanRead)
        {
            throw new ArgumentException("The snapshot stream must be readable.", nameof(stream));
        }

        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        var recycle = TakeSpareCatalog();
        SnapshotModel model;
        try
        {
            model = SnapshotReader.Read(SnapshotSignature.Verify(stream, options), options.MaxSnapshotBytes, recycle);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotReadFailed, $"Reading the snapshot failed: {ex.Message}", ex);
        }

        ApplySnapshot(model, recycle, options.ReuseReplacedCatalog);
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
        CheckPath(path);
        options ??= SnapshotOptions.Default;
        options.Validate(nameof(options));
        SnapshotModel model;
        CatalogSnapshot? recycle = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            recycle = TakeSpareCatalog();
            model = SnapshotReader.Read(SnapshotSignature.Verify(file, options), options.MaxSnapshotBytes, recycle);
            if (file.Position != file.Length)
            {
                throw new RecoException(RecoErrorCode.SnapshotInvalid, $"The snapshot file '{path}' has {file.Length - file.Position} unexpected bytes after the snapshot.");
            }
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotReadFailed, $"Reading the snapshot file '{path}' failed: {ex.Message}", ex);
        }

        ApplySnapshot(model, recycle, options.ReuseReplacedCatalog);
    }

    /// <summary>
    /// An error of the file system or of a caller's stream (missing file, directory, denied access, I/O error, a stream that cannot
    /// grow or was closed): reported as a snapshot read or write failure. Only used around file and stream calls, so an
    /// <see cref="ObjectDisposedException"/> here is the stream's, not the engine's.
    /// </summary>
    private static bool IsIoFailure(Exception ex) =>
        ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ObjectDisposedException
        || ex is System.Security.SecurityException;

    private static void CheckPath(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The snapshot path must not be empty.", nameof(path));
        }
    }

    /// <summary>Copies the state to save under the mutation lock (counters and profiles change under it); the catalog arrays are immutable.</summary>
    internal SnapshotModel CaptureSnapshot(SnapshotOptions options)
    {
        int dims = _options.Dimensions;
        var model = new SnapshotModel { Dimensions = dims, Settings = SnapshotSettings.From(_options) };
        List<UserState>? users = null;
        lock (_mutation)
        {
            ThrowIfDisposed();
            // The arrays are encoded after the lock is released: stay entered until then (the current catalog is never closed).
            var catalog = _catalog;
            if (catalog.TryEnter())
            {
                model.Source = catalog;
            }

            model.ItemIds = catalog.Ids;
            model.ItemVectors = catalog.Vectors;
            model.ItemTags = catalog.Tags;
            model.ItemRank = catalog.IdRank;
            if (options.IncludeModel && Volatile.Read(ref _model) is { } trained)
            {
                var m = trained.Model;
                model.Collaborative = new SnapshotCollaborative
                {
                    Algorithm = (int)m.Algorithm,
                    ItemIds = m.ItemIds,
                    Dense = m.Algorithm == CollaborativeAlgorithm.Ease ? m.DenseWeights.ToArray() : null,
                    Start = m.Algorithm == CollaborativeAlgorithm.ItemKnn ? m.NeighbourStart.ToArray() : null,
                    Neighbours = m.Algorithm == CollaborativeAlgorithm.ItemKnn ? m.Neighbours.ToArray() : null,
                    Similarities = m.Algorithm == CollaborativeAlgorithm.ItemKnn ? m.Similarities.ToArray() : null,
                    Users = trained.Result.Users,
                    Interactions = trained.Result.Interactions,
                    TrainedAtTicks = trained.Result.TrainedAt.UtcTicks,
                    DurationTicks = trained.Result.Duration.Ticks,
                };
            }

            if (options.IncludePopularity)
            {
                var c = catalog.Counters;
                model.PopularityLog2 = c.CopyPopularityLog2();
                model.Impressions = c.CopyImpressions();
                model.Engagements = c.CopyEngagements();
            }

            if (options.IncludeProfiles)
            {
                users = new List<UserState>(_users.Count);
                foreach (var pair in _users)
                {
                    users.Add(pair.Value);
                }

                users.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
                int n = users.Count;
                model.UserIds = new string[n];
                model.UserVectors = new float[(long)n * dims];
                model.UserLastTicks = new long[n];
                model.UserInteractions = new long[n];
                model.UserPositives = new long[n];
                model.UserConsumed = new string[n][];
                var itemStates = new List<KeyValuePair<string, UserItemState>>();
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
                        int first = itemStates.Count;
                        foreach (var pair in user.Items)
                        {
                            var st = pair.Value;
                            itemStates.Add(new KeyValuePair<string, UserItemState>(pair.Key, new UserItemState
                            {
                                Weight = st.Weight,
                                WeightTicks = st.WeightTicks,
                                Ignored = st.Ignored,
                                LastShownTicks = st.LastShownTicks,
                                CooldownUntilTicks = st.CooldownUntilTicks,
                                LastTouchTicks = st.LastTouchTicks,
                            }));
                        }

                        // Kept in the profile's own order (not sorted): the history is summed in that order when scoring,
                        // so a loaded engine reproduces scores bit for bit.
                        itemCounts[u] = itemStates.Count - first;
                    }
                }

                var items = SnapshotUserItems.Create(n, itemStates.Count);
                itemCounts.CopyTo(items.Counts, 0);
                for (int i = 0; i < itemStates.Count; i++)
                {
                    var st = itemStates[i].Value;
                    items.ItemIds[i] = itemStates[i].Key;
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

        return model;
    }

    /// <summary>
    /// Validates a decoded snapshot, builds the complete next state, then publishes it in one step under the mutation lock.
    /// <paramref name="recycle"/>: the closed spare catalog the reader may have written into; its index is reused too.
    /// <paramref name="keepSpare"/>: keep the replaced catalog as the next load's spare.
    /// </summary>
    private void ApplySnapshot(SnapshotModel model, CatalogSnapshot? recycle, bool keepSpare)
    {
        int dims = _options.Dimensions;
        SnapshotValidator.Validate(model, dims, _options.MaxIdBytes, recycle?.Index);
        var trainedModel = BuildModel(model.Collaborative);

        int items = model.ItemIds.Length;
        var counters = model.HasPopularity
            ? new MutableItemCounters(model.PopularityLog2!, model.Impressions!, model.Engagements!)
            : MutableItemCounters.Create(items, recycle?.Counters);

        var next = new CatalogSnapshot(dims, model.ItemIds, model.ItemVectors, model.ItemTags, counters, model.ItemIndex, model.ItemRank);

        ConcurrentDictionary<string, UserState>? nextUsers = null;
        if (model.HasProfiles)
        {
            var ids = model.UserIds!;
            nextUsers = new ConcurrentDictionary<string, UserState>(StringComparer.Ordinal);
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

                nextUsers[ids[u]] = user;
            }
        }

        lock (_mutation)
        {
            ThrowIfDisposed();
            _store.ThrowIfFaulted();
            var old = _catalog;
            if (!model.HasPopularity)
            {
                // Keep the live counters of items that stay (they only change under this lock).
                for (int i = 0; i < items; i++)
                {
                    if (old.Index.TryGetValue(next.Ids[i], out int oldRow))
                    {
                        counters.CopyFrom(old.Counters, oldRow, i);
                    }
                }
            }

            // Suggest takes catalog, profiles and model between two reads of this version: odd = a swap is in progress.
            var oldUsers = _users;
            Interlocked.Increment(ref _stateVersion);
            try
            {
                Volatile.Write(ref _catalog, next);
                SnapshotSwapPause?.Invoke();
                if (trainedModel is not null)
                {
                    Volatile.Write(ref _model, trainedModel);
                }

                if (nextUsers is not null)
                {
                    Volatile.Write(ref _users, nextUsers);
                }
            }
            finally
            {
                Interlocked.Increment(ref _stateVersion); // even again: never leaves Suggest waiting
            }

            using var writes = _store.BeginBatch();
            foreach (string id in next.Ids)
            {
                writes.Add(new WriteOp(WriteOpKind.ItemChanged, id));
            }

            foreach (string id in old.Ids)
            {
                if (!next.Index.ContainsKey(id))
                {
                    writes.Add(new WriteOp(WriteOpKind.ItemChanged, id));
                }
            }

            if (nextUsers is not null)
            {
                // The list memory and seed streams belonged to the replaced profiles.
                _recent.Clear();
                foreach (var pair in nextUsers)
                {
                    writes.Add(new WriteOp(WriteOpKind.UserReplaced, pair.Key));
                }

                foreach (var pair in oldUsers)
                {
                    if (!nextUsers.ContainsKey(pair.Key))
                    {
                        writes.Add(new WriteOp(WriteOpKind.UserReplaced, pair.Key));
                    }
                }
            }

            // Only now may a concurrent load recycle the replaced catalog: its ids were read just above.
            KeepSpare(keepSpare ? old : null);
        }
    }

    /// <summary>Rebuilds the collaborative model of a snapshot (validated by the model's own factories), or null when there is none.</summary>
    private TrainedModel? BuildModel(SnapshotCollaborative? c)
    {
        if (c is null)
        {
            return null;
        }

        try
        {
            foreach (string id in c.ItemIds)
            {
                Guard.Id(id, "snapshot", _options.MaxIdBytes, "model item");
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

    private static void ReplaceFile(string temp, string destination)
    {
#if NET
        File.Move(temp, destination, overwrite: true);
#else
        if (File.Exists(destination))
        {
            File.Replace(temp, destination, destinationBackupFileName: null);
        }
        else
        {
            File.Move(temp, destination);
        }
#endif
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
