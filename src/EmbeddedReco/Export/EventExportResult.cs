namespace EmbeddedReco;

/// <summary>What one <see cref="RecoEngine.ExportEvents"/> call wrote.</summary>
public sealed class EventExportResult
{
    internal EventExportResult(int rows, long firstId, long cursor, bool hasMore)
    {
        Rows = rows;
        FirstId = firstId;
        Cursor = cursor;
        HasMore = hasMore;
    }

    /// <summary>Rows written (0 when the log has nothing after the cursor: the stream then gets an empty batch).</summary>
    public int Rows { get; }

    /// <summary>The id of the first row written, or 0 when none was.</summary>
    public long FirstId { get; }

    /// <summary>
    /// The id of the last row written (the cursor passed in when none was). Keep it once the batch is safely uploaded, pass it to the
    /// next export, and to <see cref="RecoEngine.ConfirmExported"/> to prune the uploaded rows.
    /// </summary>
    public long Cursor { get; }

    /// <summary>True when more rows follow the cursor (the batch reached <see cref="EventExportOptions.MaxRows"/>).</summary>
    public bool HasMore { get; }
}
