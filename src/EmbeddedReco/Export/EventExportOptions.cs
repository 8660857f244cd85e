using System;

namespace EmbeddedReco;

/// <summary>
/// How <see cref="RecoEngine.ExportEvents"/> writes a batch of the interaction log. A plain class: set what you need, leave the rest
/// at the documented defaults; validated on each call.
/// </summary>
public sealed class EventExportOptions
{
    /// <summary>The default <see cref="MaxRows"/>: 10,000 rows (about 0.5 MB with 20-character ids).</summary>
    public const int DefaultMaxRows = 10_000;

    /// <summary>The largest allowed <see cref="MaxRows"/>: 1,000,000.</summary>
    public const int MaxAllowedRows = 1_000_000;

    /// <summary>The shortest allowed <see cref="PseudonymKey"/>: 16 bytes.</summary>
    public const int MinPseudonymKeyBytes = 16;

    /// <summary>The most rows one batch holds. Default <see cref="DefaultMaxRows"/>; 1 to <see cref="MaxAllowedRows"/>.</summary>
    public int MaxRows { get; set; } = DefaultMaxRows;

    /// <summary>
    /// When set, every player id is replaced by its pseudonym, <see cref="EventExport.Pseudonymize"/> (HMAC-SHA256 keyed with
    /// this key): the backend can join a player's events across batches but cannot recover the id without the key. Default null:
    /// player ids are exported as they are. At least <see cref="MinPseudonymKeyBytes"/> bytes; the array is copied when used.
    /// </summary>
    public byte[]? PseudonymKey { get; set; }

    internal static readonly EventExportOptions Default = new EventExportOptions();

    internal void Validate(string paramName)
    {
        if (MaxRows < 1 || MaxRows > MaxAllowedRows)
        {
            throw new ArgumentOutOfRangeException(paramName, MaxRows, $"EventExportOptions.MaxRows must be between 1 and {MaxAllowedRows}.");
        }

        if (PseudonymKey is not null && PseudonymKey.Length < MinPseudonymKeyBytes)
        {
            throw new ArgumentException($"EventExportOptions.PseudonymKey must have at least {MinPseudonymKeyBytes} bytes.", paramName);
        }
    }
}
