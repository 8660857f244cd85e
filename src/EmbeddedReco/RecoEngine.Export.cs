using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedReco.Export;
using EmbeddedReco.Storage;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>
    /// Writes the interaction log rows recorded after <paramref name="afterCursor"/> (at most
    /// <see cref="EventExportOptions.MaxRows"/>, in id order) to <paramref name="destination"/> in the event export format
    /// (<see cref="EventExport"/>). Only committed rows are exported: the call first commits and checkpoints everything recorded
    /// before it, then reads the log on the writer thread. Rows of players forgotten before the call are gone. The host keeps the
    /// cursor: it advances it to <see cref="EventExportResult.Cursor"/> only once the batch is uploaded, so a failed upload is simply
    /// exported again (same rows, same ids) and nothing is lost or skipped.
    /// </summary>
    /// <param name="destination">A writable stream; the batch is appended at its position.</param>
    /// <param name="afterCursor">The last id already uploaded: 0 for the first export.</param>
    /// <param name="options">Batch size and pseudonymization; null = defaults (10,000 rows, ids as they are).</param>
    /// <returns>How many rows were written and the new cursor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable, or an option is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterCursor"/> is negative or beyond the latest row.</exception>
    /// <exception cref="RecoException">Committing or reading the log failed (<see cref="RecoErrorCode.StorageWriteFailed"/>).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public EventExportResult ExportEvents(Stream destination, long afterCursor, EventExportOptions? options = null)
    {
        ThrowIfDisposed();
        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (!destination.CanWrite)
        {
            throw new ArgumentException("The export stream must be writable.", nameof(destination));
        }

        CheckCursor(afterCursor, nameof(afterCursor));
        options ??= EventExportOptions.Default;
        options.Validate(nameof(options));
        int max = options.MaxRows;
        List<ExportedEvent> rows = new List<ExportedEvent>();
        _store.Flush(db => rows = LogRows.Read(db, afterCursor, max + 1));
        bool more = rows.Count > max;
        if (more)
        {
            rows.RemoveAt(max);
        }

        EventFile.Write(destination, rows, options.PseudonymKey);
        return rows.Count == 0
            ? new EventExportResult(0, 0, afterCursor, false)
            : new EventExportResult(rows.Count, rows[0].Id, rows[rows.Count - 1].Id, more);
    }

    /// <summary>
    /// Confirms that the rows up to <paramref name="cursor"/> are safely uploaded: they are deleted from the local log by the writer
    /// thread (durable at the next checkpoint or <see cref="Flush"/>). Profiles and models are not affected; the log only feeds the
    /// export. See also <see cref="RecoEngineOptions.MaxInteractionLogRows"/>.
    /// </summary>
    /// <param name="cursor">An <see cref="EventExportResult.Cursor"/> the host has uploaded up to.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cursor"/> is negative or beyond the latest row.</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void ConfirmExported(long cursor)
    {
        ThrowIfDisposed();
        CheckCursor(cursor, nameof(cursor));
        _store.ThrowIfFaulted();
        _store.Enqueue(new WriteOp(WriteOpKind.PruneLog, string.Empty, sequence: cursor));
    }

    /// <summary>
    /// For the fleet trainer (tools): serves a model trained elsewhere and sets the items' popularity counters (by item id; items
    /// missing from <paramref name="popularity"/> keep theirs), so that <see cref="SaveSnapshot(Stream, SnapshotOptions?)"/> ships both.
    /// </summary>
    internal void InstallTrained(Collaborative.CollaborativeModel model, TrainingResult result, Func<string, (double Log2, long Impressions, long Engagements)?> popularity)
    {
        lock (_mutation)
        {
            ThrowIfDisposed();
            var catalog = _catalog;
            for (int row = 0; row < catalog.Count; row++)
            {
                if (popularity(catalog.Ids[row]) is { } p)
                {
                    catalog.Counters.Set(row, p.Log2, p.Impressions, p.Engagements);
                }
            }

            System.Threading.Volatile.Write(ref _model, new Collaborative.TrainedModel(model, result));
        }
    }

    /// <summary>The model being served (for tests and tools), or null.</summary>
    internal Collaborative.CollaborativeModel? ServedModel => System.Threading.Volatile.Read(ref _model)?.Model;

    private void CheckCursor(long cursor, string paramName)
    {
        long last = _store.LastLogId;
        if (cursor < 0 || cursor > last)
        {
            throw new ArgumentOutOfRangeException(paramName, cursor, $"The cursor must be between 0 and the latest log row id ({last}).");
        }
    }
}
