using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedReco.Storage;

namespace EmbeddedReco.Export;

/// <summary>The device side of the event export: reads committed log rows on the writer thread, writes a batch, prunes what was confirmed.</summary>
internal static class EventExporter
{
    /// <summary>Writes up to <see cref="EventExportOptions.MaxRows"/> committed rows after <paramref name="afterCursor"/>; see <see cref="RecoEngine.ExportEvents"/>.</summary>
    public static EventExportResult Export(LiteStore store, Stream destination, long afterCursor, EventExportOptions? options)
    {
        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (!destination.CanWrite)
        {
            throw new ArgumentException("The export stream must be writable.", nameof(destination));
        }

        CheckCursor(store, afterCursor, nameof(afterCursor));
        options ??= EventExportOptions.Default;
        options.Validate(nameof(options));
        int max = options.MaxRows;
        List<ExportedEvent> rows = new List<ExportedEvent>();
        store.Flush(db => rows = LogRows.Read(db, afterCursor, max + 1));
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

    /// <summary>Queues the pruning of the rows up to <paramref name="cursor"/> on the writer thread; see <see cref="RecoEngine.ConfirmExported"/>.</summary>
    public static void Confirm(LiteStore store, long cursor)
    {
        CheckCursor(store, cursor, nameof(cursor));
        store.ThrowIfFaulted();
        store.Enqueue(new WriteOp(WriteOpKind.PruneLog, string.Empty, sequence: cursor));
    }

    private static void CheckCursor(LiteStore store, long cursor, string paramName)
    {
        long last = store.LastLogId;
        if (cursor < 0 || cursor > last)
        {
            throw new ArgumentOutOfRangeException(paramName, cursor, $"The cursor must be between 0 and the latest log row id ({last}).");
        }
    }
}
