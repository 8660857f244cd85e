using System;
using System.IO;
using EmbeddedReco.Export;

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
        return EventExporter.Export(_store, destination, afterCursor, options);
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
        EventExporter.Confirm(_store, cursor);
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
            _state.Catalog.SetCounters(popularity);
            _state.ServeModel(new Collaborative.TrainedModel(model, result));
        }
    }
}
