using System;
using System.Collections.Generic;
using System.IO;

namespace EmbeddedReco.Storage;

/// <summary>
/// Keeps a second engine, in this process or another, away from a database file that an engine has open. Three layers, because
/// no single one holds on every runtime:
/// <list type="number">
/// <item>an in-process registry of open paths, checked before the file is touched (POSIX drops a process's record locks on a
/// file as soon as that process opens and closes it again, so a refused second open must not even open it);</item>
/// <item>a lock file "&lt;path&gt;.lock", opened exclusively and never deleted (deleting it on close let a refused opener delete
/// the holder's lock file; it also guards the creation and migration of the data file, when its identity changes);</item>
/// <item>an OS lock on the data file itself (exclusive share mode, which .NET turns into <c>flock</c>, plus a record lock, which
/// classic Mono honours across processes): keyed by the file, not by the path's spelling, so a hard link or another spelling of
/// the same file is refused too.</item>
/// </list>
/// </summary>
internal sealed class DatabaseLock : IDisposable
{
    /// <summary>The byte range the record locks cover: far beyond any data, so they never interfere with reads and writes.</summary>
    private const long LockOffset = 1L << 40;

    private static readonly HashSet<string> OpenPaths = new HashSet<string>(StringComparer.Ordinal);

    private readonly string _key;
    private FileStream? _lockFile;

    private DatabaseLock(string key, FileStream lockFile)
    {
        _key = key;
        _lockFile = lockFile;
    }

    /// <summary>Takes the registry entry and the lock file for <paramref name="fullPath"/>, or throws <see cref="RecoException"/>.</summary>
    public static DatabaseLock Acquire(string fullPath)
    {
        lock (OpenPaths)
        {
            if (!OpenPaths.Add(fullPath))
            {
                throw AlreadyOpen(fullPath, null);
            }
        }

        string lockPath = fullPath + ".lock";
        FileStream? lockFile = null;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            LockRecord(lockFile, fullPath);
            return new DatabaseLock(fullPath, lockFile);
        }
        catch (Exception ex)
        {
            lockFile?.Dispose();
            Release(fullPath);
            if (ex is RecoException)
            {
                throw;
            }

            if (ex is IOException && !(ex is DirectoryNotFoundException) && !(ex is PathTooLongException) && File.Exists(lockPath))
            {
                throw AlreadyOpen(fullPath, ex);
            }

            throw new RecoException(
                RecoErrorCode.StorageOpenFailed,
                $"Could not create the lock file '{lockPath}' beside the database: {ex.Message}",
                ex);
        }
    }

    /// <summary>Takes the OS record lock on an open data (or lock) file; throws "already open" when another process holds it.</summary>
    public static void LockRecord(FileStream file, string databasePath)
    {
        try
        {
#if NET
            if (OperatingSystem.IsMacOS())
            {
                return;
            }
#endif
#pragma warning disable CA1416 // guarded above; PlatformNotSupportedException is caught for other hosts
            file.Lock(LockOffset, 1);
#pragma warning restore CA1416
        }
        catch (PlatformNotSupportedException)
        {
            // macOS and some hosts lack record locks: the exclusive share mode and the registry still hold.
        }
        catch (IOException ex)
        {
            throw AlreadyOpen(databasePath, ex);
        }
    }

    public static RecoException AlreadyOpen(string path, Exception? inner) => new RecoException(
        RecoErrorCode.StorageOpenFailed,
        $"The database '{path}' is already open (by this or another process).",
        inner);

    public void Dispose()
    {
        var lockFile = _lockFile;
        if (lockFile is null)
        {
            return;
        }

        _lockFile = null;
        lockFile.Dispose();
        Release(_key);
    }

    private static void Release(string key)
    {
        lock (OpenPaths)
        {
            OpenPaths.Remove(key);
        }
    }
}
