using System;

namespace EmbeddedReco;

/// <summary>
/// Why a <see cref="RecoException"/> was thrown. Storage codes describe problems with the LiteDB file;
/// snapshot codes describe a snapshot file that could not be read or written.
/// </summary>
public enum RecoErrorCode
{
    /// <summary>The database file could not be opened: missing folder, no permission, already open in another engine (this or another
    /// process), or not an EmbeddedReco database (another file, another application's LiteDB file). The file was not changed.</summary>
    StorageOpenFailed = 1,

    /// <summary>Writing to the database failed (disk full, I/O error). Nothing was dropped: the pending writes are kept and retried by the next <see cref="RecoEngine.Flush"/>.</summary>
    StorageWriteFailed = 2,

    /// <summary>The database file is ours but cannot be trusted: empty, truncated, damaged (a document fails its checksum or
    /// validation), or of an unknown storage format. The file was not changed; see docs/RELIABILITY.md for recovery.</summary>
    StorageCorrupt = 3,

    /// <summary>An interaction was refused because <see cref="RecoEngineOptions.MaxPendingWrites"/> writes already wait for the
    /// writer thread: a flood of records has outrun the disk. Nothing was changed; record it again later (or use
    /// <see cref="RecoEngine.TryRecord"/>), lower the rate, or raise the bound. <c>Record</c> never waits instead.</summary>
    StorageQueueFull = 4,

    /// <summary>A snapshot does not start with the EmbeddedReco magic bytes.</summary>
    SnapshotBadMagic = 100,

    /// <summary>A snapshot was written by a newer, unknown format version.</summary>
    SnapshotUnsupportedVersion = 101,

    /// <summary>A snapshot's payload does not match the checksum in its header.</summary>
    SnapshotChecksumMismatch = 102,

    /// <summary>A snapshot ends before the length its header announces.</summary>
    SnapshotTruncated = 103,

    /// <summary>A snapshot is well-formed but its content is invalid (counts, dimensions, non-finite values, duplicate, over-long or
    /// ill-formed ids or tags, too many tags).</summary>
    SnapshotInvalid = 104,

    /// <summary>A snapshot is larger than the configured size cap.</summary>
    SnapshotTooLarge = 105,

    /// <summary>
    /// Writing a snapshot failed (an I/O error, a full disk, denied access, a stream that cannot grow or is closed); a previous
    /// snapshot at the same path is left intact. <see cref="Exception.InnerException"/> holds the original error.
    /// </summary>
    SnapshotWriteFailed = 106,

    /// <summary>
    /// Reading a snapshot failed before its content could be checked: the file is missing or is a directory, access is denied,
    /// or the stream threw (an I/O error, a closed stream, an unsupported operation). <see cref="Exception.InnerException"/> holds the
    /// original error; the engine is unchanged.
    /// </summary>
    SnapshotReadFailed = 107,

    /// <summary>
    /// <see cref="SnapshotOptions.TrustedPublicKeys"/> is set and the snapshot is not signed, is signed by a key that is not trusted,
    /// or its signature does not verify (the file was changed after signing). Nothing beyond the signature envelope and the snapshot
    /// header was parsed; the engine is unchanged.
    /// </summary>
    SnapshotSignatureInvalid = 108,
}

/// <summary>
/// The one exception type of EmbeddedReco for storage and snapshot problems. Argument errors use the standard
/// <see cref="ArgumentException"/> family, and use after dispose throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class RecoException : Exception
{
    /// <summary>Creates an exception with a reason code and a message.</summary>
    /// <param name="code">Why the operation failed.</param>
    /// <param name="message">A message that names the problem.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public RecoException(RecoErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Why the operation failed.</summary>
    public RecoErrorCode Code { get; }

    /// <summary>True for storage codes (the LiteDB file), false for snapshot codes.</summary>
    public bool IsStorageError => (int)Code < 100;
}
