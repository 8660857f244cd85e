using System;
using System.IO;

namespace EmbeddedReco.Snapshots;

/// <summary>The file side of snapshots: argument checks, the atomic temp-file-and-rename write, and which exceptions are I/O failures.</summary>
internal static class SnapshotFiles
{
    /// <summary>
    /// An error of the file system or of a caller's stream (missing file, directory, denied access, I/O error, a stream that cannot
    /// grow or was closed): reported as a snapshot read or write failure. Only used around file and stream calls, so an
    /// <see cref="ObjectDisposedException"/> here is the stream's, not the engine's.
    /// </summary>
    public static bool IsIoFailure(Exception ex) =>
        ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ObjectDisposedException
        || ex is System.Security.SecurityException;

    /// <summary>Throws the standard argument exceptions for a null or blank snapshot path.</summary>
    public static void CheckPath(string path)
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

    /// <summary>Throws the standard argument exceptions for a null stream, or one that cannot be written (read).</summary>
    public static void CheckStream(Stream stream, bool write)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (write ? !stream.CanWrite : !stream.CanRead)
        {
            throw new ArgumentException(write ? "The snapshot stream must be writable." : "The snapshot stream must be readable.", nameof(stream));
        }
    }

    /// <summary>Writes a snapshot to a caller's stream and flushes it; a failure of the stream becomes <see cref="RecoErrorCode.SnapshotWriteFailed"/>.</summary>
    public static void WriteTo(Stream stream, SnapshotModel model, SnapshotOptions options)
    {
        try
        {
            SnapshotWriter.Write(stream, model, options.Compression, options.MaxSnapshotBytes);
            stream.Flush();
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotWriteFailed, $"Writing the snapshot failed: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a snapshot from a caller's stream (into <paramref name="recycle"/>'s arrays when it fits); a failure of the
    /// stream becomes <see cref="RecoErrorCode.SnapshotReadFailed"/>.</summary>
    public static SnapshotModel ReadFrom(Stream stream, SnapshotOptions options, Catalog.CatalogSnapshot? recycle)
    {
        try
        {
            return SnapshotReader.Read(SnapshotSignature.Verify(stream, options), options.MaxSnapshotBytes, recycle);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotReadFailed, $"Reading the snapshot failed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads a snapshot file, which must hold exactly one snapshot. <paramref name="takeSpare"/> is asked for a catalog to
    /// recycle once the file is open (returned in <paramref name="recycle"/>). A failure of the file system becomes
    /// <see cref="RecoErrorCode.SnapshotReadFailed"/>.
    /// </summary>
    public static SnapshotModel ReadFile(string path, SnapshotOptions options, Func<Catalog.CatalogSnapshot?> takeSpare, out Catalog.CatalogSnapshot? recycle)
    {
        recycle = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            recycle = takeSpare();
            var model = SnapshotReader.Read(SnapshotSignature.Verify(file, options), options.MaxSnapshotBytes, recycle);
            if (file.Position != file.Length)
            {
                throw new RecoException(RecoErrorCode.SnapshotInvalid, $"The snapshot file '{path}' has {file.Length - file.Position} unexpected bytes after the snapshot.");
            }

            return model;
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotReadFailed, $"Reading the snapshot file '{path}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Writes <paramref name="model"/> to a temporary file beside <paramref name="path"/>, flushes it to disk and renames it over
    /// <paramref name="path"/>; on failure the temporary file is deleted and any previous file is intact.
    /// </summary>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotWriteFailed"/> (the cause as inner exception), or
    /// <see cref="RecoErrorCode.SnapshotTooLarge"/>.</exception>
    public static void WriteAtomically(string path, SnapshotModel model, SnapshotOptions options, Func<Stream, Stream>? decorate)
    {
        CheckReplaceable(path);
        try
        {
            ReplaceAtomically(Path.GetFullPath(path), file =>
            {
                var target = decorate?.Invoke(file) ?? file;
                SnapshotWriter.Write(target, model, options.Compression, options.MaxSnapshotBytes);
                target.Flush();
            });
        }
        catch (Exception ex) when (IsIoFailure(ex) || ex is RecoException)
        {
            if (ex is RecoException reco && reco.Code != RecoErrorCode.SnapshotWriteFailed)
            {
                throw;
            }

            throw new RecoException(RecoErrorCode.SnapshotWriteFailed, $"Writing the snapshot '{path}' failed; any previous file there is intact: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="path"/> may be replaced by a snapshot: it does not exist, is empty, or already starts with the
    /// snapshot's or the signed snapshot's magic. A file that is not ours is never overwritten.
    /// </summary>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotWriteFailed"/>: the file exists and is not a snapshot, or it
    /// cannot be read (the cause as inner exception).</exception>
    public static void CheckReplaceable(string path)
    {
        byte[] head = new byte[8];
        int got = 0;
        try
        {
            if (!File.Exists(path))
            {
                return;
            }

            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            int n;
            while (got < head.Length && (n = file.Read(head, got, head.Length - got)) > 0)
            {
                got += n;
            }
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw new RecoException(RecoErrorCode.SnapshotWriteFailed, $"Writing the snapshot '{path}' failed: the existing file cannot be read ({ex.Message}); it is unchanged.", ex);
        }

        var start = new ReadOnlySpan<byte>(head, 0, got);
        if (got == 0 || (got == head.Length && (start.SequenceEqual(SnapshotHeader.Magic) || start.SequenceEqual(SnapshotSignature.Magic))))
        {
            return;
        }

        throw new RecoException(RecoErrorCode.SnapshotWriteFailed, $"'{path}' exists and is not an EmbeddedReco snapshot; a snapshot never replaces a file that is not one (delete it or choose another path). The file is unchanged.");
    }

    /// <summary>
    /// Replaces <paramref name="fullPath"/> atomically: <paramref name="write"/> fills a temporary file of its own beside it (created
    /// new), which is flushed to disk and renamed over <paramref name="fullPath"/>. On any failure the temporary file is deleted,
    /// any previous file is intact, and the exception propagates unchanged. Check the target with <see cref="CheckReplaceable"/> first.
    /// </summary>
    public static void ReplaceAtomically(string fullPath, Action<Stream> write)
    {
        string temp = fullPath + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            ReplaceFile(temp, fullPath);
        }
        catch
        {
            TryDelete(temp);
            throw;
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
