using System.IO;

namespace EmbeddedReco.Storage;

/// <summary>
/// The one stream through which LiteDB reads and writes a file of ours (the data file or its log). LiteDB 5.0.21 in direct mode
/// writes through one buffered <see cref="FileStream"/> and reads through another: under classic Mono an exactly-8 KB write
/// stays in the writer's buffer, so every checkpoint fails ("ReadFull must read PAGE_SIZE bytes") and a committed page lives
/// only in process memory. Handing LiteDB this stream instead means one file position, one (empty) buffer, every write pushed
/// to the OS at once (a commit survives a crash of the process on every runtime), and <see cref="Flush"/> = a durable sync
/// (LiteDB calls it where it means "to disk": checkpoints and file creation).
/// </summary>
/// <remarks>
/// LiteDB wraps it and disposes the wrappers at will, so <see cref="Stream.Dispose()"/> does nothing here: the owner closes the
/// file with <see cref="CloseFile"/>. <see cref="WritesAllowed"/> false turns it into a read-only view (for looking inside a file
/// before it is known to be ours: LiteDB would otherwise crop it or mark it invalid on a failed open).
/// </remarks>
internal sealed class OwnedFileStream : Stream
{
    private readonly FileStream _file;

    public OwnedFileStream(FileStream file)
    {
        _file = file;
    }

    /// <summary>The file's full path.</summary>
    public string Name => _file.Name;

    /// <summary>The underlying file (for OS locks).</summary>
    public FileStream File => _file;

    /// <summary>False while the file is only inspected: every write, resize and sync throws instead of touching it.</summary>
    public bool WritesAllowed { get; set; } = true;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => WritesAllowed;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfReadOnly();
        _file.Write(buffer, offset, count);
        _file.Flush(false); // to the OS now: a committed page must not wait in a buffer of this process
    }

    public override void SetLength(long value)
    {
        ThrowIfReadOnly();
        _file.SetLength(value);
    }

    /// <summary>A durable sync (fsync): LiteDB calls Flush only where it means "to disk".</summary>
    public override void Flush()
    {
        ThrowIfReadOnly();
        _file.Flush(true);
    }

    /// <summary>Closes the file (the only way to: <see cref="Stream.Dispose()"/> is a no-op, see the remarks).</summary>
    public void CloseFile() => _file.Dispose();

    protected override void Dispose(bool disposing)
    {
        // LiteDB disposes its wrappers; the file's lifetime is the owner's (see CloseFile).
    }

    /// <summary>Opens a file of ours for reading and writing, shared with nobody (an exclusive OS lock on .NET).</summary>
    public static OwnedFileStream Open(string path, FileMode mode) =>
        new OwnedFileStream(new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));

    private void ThrowIfReadOnly()
    {
        if (!WritesAllowed)
        {
            throw new IOException($"'{_file.Name}' is being inspected and must not be written.");
        }
    }
}
