using System;
using System.IO;
using System.Text;
using LiteDB;
using LiteDB.Engine;

namespace EmbeddedReco.Storage;

/// <summary>
/// The database file of an engine and the LiteDB instance over it. Nothing is ever written to a file before it is known to be
/// ours: a missing file is created beside its final name and renamed into place (so a crash never leaves a half-made file under
/// the database's name), an existing file is inspected byte by byte and then through a read-only view, and a file written by an
/// older engine (culture-aware, case-insensitive LiteDB collation, which merged ids that differ by case) is migrated to an ordinal
/// copy that replaces it atomically, keeping every row. LiteDB reads and writes through <see cref="OwnedFileStream"/>s.
/// </summary>
internal sealed class DatabaseFile : IDisposable
{
    /// <summary>LiteDB's page size: a valid data file is a whole number of pages, at least the header page.</summary>
    public const int PageSize = 8192;

    /// <summary>LiteDB's USER_VERSION pragma of our files: "ERC2" (EmbeddedReco, ordinal collation, format 2).</summary>
    public const int Mark = 0x45524332;

    private const string HeaderInfo = "** This is a LiteDB file **";
    private const int HeaderInfoOffset = 32;
    private const int FileVersionOffset = 59;
    private const byte LiteFileVersion = 8;
    private const int UserVersionOffset = 76;
    private const int CollationSortOffset = 84;
    private const int InvalidStateOffset = 191;
    private const string NewSuffix = ".embeddedreco-new";

    private readonly string _path;
    private readonly DatabaseLock? _lock;
    private OwnedFileStream? _data;
    private OwnedFileStream? _log;

    private DatabaseFile(string path, DatabaseLock? fileLock)
    {
        _path = path;
        _lock = fileLock;
    }

    /// <summary>The open LiteDB instance (replaced by <see cref="Reopen"/>).</summary>
    public LiteDatabase Db { get; private set; } = null!;

    /// <summary>True when the file was migrated from the format of an older engine during this open.</summary>
    public bool Migrated { get; private set; }

    /// <summary>A database in memory (":memory:"), ordinal like the files.</summary>
    public static DatabaseFile InMemory(Action<LiteDatabase> initialize)
    {
        var file = new DatabaseFile(RecoEngineOptions.InMemory, null);
        file.Db = new LiteDatabase(new LiteEngine(new EngineSettings { Filename = RecoEngineOptions.InMemory, Collation = Collation.Binary }));
        file.Db.UserVersion = Mark;
        initialize(file.Db);
        return file;
    }

    /// <summary>
    /// Opens (or creates) the database at <paramref name="path"/>; <paramref name="initialize"/> writes the metadata of a new
    /// file and <paramref name="isOurs"/> tells whether an unmarked LiteDB file is one an older engine wrote.
    /// </summary>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.StorageOpenFailed"/> (in use, no access, not our file) or
    /// <see cref="RecoErrorCode.StorageCorrupt"/> (damaged or truncated); the file is left exactly as it was.</exception>
    public static DatabaseFile Open(string path, Action<LiteDatabase> initialize, Func<LiteDatabase, bool> isOurs, Action<LiteDatabase, LiteDatabase> migrate)
    {
        string fullPath = Path.GetFullPath(path);
        var fileLock = DatabaseLock.Acquire(fullPath);
        var file = new DatabaseFile(fullPath, fileLock);
        try
        {
            file.OpenCore(initialize, isOurs, migrate);
            return file;
        }
        catch (Exception ex)
        {
            file.CloseQuietly();
            fileLock.Dispose();
            if (ex is RecoException)
            {
                throw;
            }

            // No access, a missing folder, a sharing violation: the file could not be opened. Anything else came from LiteDB reading
            // the file (a damaged page throws all sorts): its content is not readable.
            bool access = ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException;
            throw new RecoException(
                access ? RecoErrorCode.StorageOpenFailed : RecoErrorCode.StorageCorrupt,
                access ? $"Could not open the database '{path}': {ex.Message}" : $"The database '{path}' is damaged and could not be read: {ex.Message}",
                ex);
        }
    }

    /// <summary>LiteDB's name for the log file of a data file ("reco.db" → "reco-log.db").</summary>
    public static string LogPathOf(string path)
    {
        string dir = Path.GetDirectoryName(path) ?? string.Empty;
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));
    }

    /// <summary>
    /// Replaces a LiteDB instance that failed (an I/O error leaves it unusable) with a fresh one on the same files. The dead
    /// instance is kept reachable for the life of the process: LiteDB 5.0.21 cannot roll back a transaction whose pages failed
    /// to write, and the finalizer of such a transaction throws and ends the process when the GC collects it.
    /// </summary>
    public void Reopen()
    {
        var dead = Db;
        DeadInstances.Keep(dead);
        try
        {
            dead.Dispose();
        }
        catch (Exception)
        {
            // A failed instance may not close cleanly; its streams are ours and stay open.
        }

        Db = _data is null
            ? throw new InvalidOperationException("An in-memory database is not reopened.")
            : OpenLite(_data, _log!, Collation.Binary, readOnly: false);
    }

    /// <summary>
    /// Rolls back the open transaction. When LiteDB cannot (pages of a failed write it cannot discard), the instance is kept
    /// reachable for the life of the process (see <see cref="Reopen"/>) and reported unusable: the caller reopens.
    /// </summary>
    /// <returns>True when the instance is still usable.</returns>
    public bool TryRollback()
    {
        try
        {
            Db.Rollback();
            return true;
        }
        catch (Exception)
        {
            DeadInstances.Keep(Db);
            return false;
        }
    }

    public void Dispose()
    {
        Exception? error = null;
        try
        {
            Db?.Dispose();
        }
        catch (Exception ex)
        {
            DeadInstances.Keep(Db!);
            error = ex;
        }

        CloseStreams(deleteEmptyLog: error is null);
        _lock?.Dispose();
        if (error is not null)
        {
            throw error;
        }
    }

    private void OpenCore(Action<LiteDatabase> initialize, Func<LiteDatabase, bool> isOurs, Action<LiteDatabase, LiteDatabase> migrate)
    {
        DeleteIfExists(_path + NewSuffix);
        DeleteIfExists(LogPathOf(_path + NewSuffix));
        string logPath = LogPathOf(_path);
        if (!File.Exists(_path))
        {
            if (File.Exists(logPath) && new FileInfo(logPath).Length > 0)
            {
                throw new RecoException(
                    RecoErrorCode.StorageCorrupt,
                    $"The database '{_path}' is missing but its log '{logPath}' exists; nothing was changed (restore the data file or remove the log).");
            }

            CreateNew(initialize);
        }

        _data = OpenOwned(_path, FileMode.Open);
        DatabaseLock.LockRecord(_data.File, _path);
        var kind = Inspect(_data, _path);
        if (kind == FileKind.Legacy)
        {
            MigrateLegacy(isOurs, migrate);
            _data = OpenOwned(_path, FileMode.Open);
            DatabaseLock.LockRecord(_data.File, _path);
            Migrated = true;
            if (Inspect(_data, _path) != FileKind.Ours)
            {
                throw new RecoException(RecoErrorCode.StorageCorrupt, $"The migrated database '{_path}' is not in the expected format.");
            }
        }

        _log = OpenOwned(logPath, FileMode.OpenOrCreate);

        // Until the content has loaded and validated, the data file stays read-only: LiteDB marks a file it fails to read as
        // invalid (a write), and a damaged file must stay exactly as it was for recovery.
        _data.WritesAllowed = false;
        Db = OpenLite(_data, _log, Collation.Binary, readOnly: false);
    }

    /// <summary>Lets LiteDB write the data file, once its content has loaded and validated.</summary>
    public void AllowWrites()
    {
        if (_data is not null)
        {
            _data.WritesAllowed = true;
        }
    }

    /// <summary>Makes a new database under a temporary name, synced and closed, then renames it to the database's name.</summary>
    private void CreateNew(Action<LiteDatabase> initialize)
    {
        string temp = _path + NewSuffix;
        Build(temp, db =>
        {
            db.UserVersion = Mark;
            initialize(db);
        });
        File.Move(temp, _path);
    }

    /// <summary>Creates a database file at <paramref name="path"/> with ordinal collation, fills it, checkpoints and closes it.</summary>
    private static void Build(string path, Action<LiteDatabase> fill)
    {
        var data = OpenOwned(path, FileMode.CreateNew);
        var log = OpenOwned(LogPathOf(path), FileMode.CreateNew);
        try
        {
            using (var db = OpenLite(data, log, Collation.Binary, readOnly: false))
            {
                fill(db);
                db.Checkpoint();
            }

            data.Flush();
        }
        finally
        {
            data.CloseFile();
            log.CloseFile();
            File.Delete(LogPathOf(path));
        }
    }

    /// <summary>
    /// A LiteDB file without our mark: proven ours through a read-only view (nothing can be written, not even LiteDB's
    /// invalid-file flag), then copied row by row into an ordinal file that atomically replaces it.
    /// </summary>
    private void MigrateLegacy(Func<LiteDatabase, bool> isOurs, Action<LiteDatabase, LiteDatabase> migrate)
    {
        string logPath = LogPathOf(_path);
        var data = _data!;
        OwnedFileStream? log = File.Exists(logPath) ? OpenOwned(logPath, FileMode.Open) : null;
        try
        {
            data.WritesAllowed = false;
            if (log is not null)
            {
                log.WritesAllowed = false;
            }

            bool ours;
            var view = OpenLite(data, log ?? (Stream)new MemoryStream(), null, readOnly: true);
            try
            {
                ours = isOurs(view);
            }
            finally
            {
                DisposeQuietly(view);
            }

            if (!ours)
            {
                throw new RecoException(
                    RecoErrorCode.StorageOpenFailed,
                    $"'{_path}' is a LiteDB database of another application, not an EmbeddedReco database; it was not changed.");
            }

            data.WritesAllowed = true;
            log ??= OpenOwned(logPath, FileMode.OpenOrCreate);
            log.WritesAllowed = true;
            string temp = _path + NewSuffix;
            using (var legacy = OpenLite(data, log, null, readOnly: false))
            {
                Build(temp, fresh =>
                {
                    fresh.UserVersion = Mark;
                    migrate(legacy, fresh);
                });
            }

            // The old file's log must be empty (checkpointed on close) before the copy replaces the file: LiteDB would replay a
            // leftover log into the new file.
            if (log.Length != 0)
            {
                throw new RecoException(RecoErrorCode.StorageOpenFailed, $"Could not migrate '{_path}': its log did not checkpoint; nothing was changed.");
            }
        }
        finally
        {
            log?.CloseFile();
            data.CloseFile();
            _data = null;
        }

        File.Delete(logPath);
        ReplaceFile(_path + NewSuffix, _path);
    }

    private static void ReplaceFile(string source, string destination)
    {
#if NET
        File.Move(source, destination, overwrite: true);
#else
        File.Replace(source, destination, null);
#endif
    }

    private enum FileKind
    {
        Ours,
        Legacy,
    }

    /// <summary>Reads the header page through the (locked) stream and classifies the file without writing a byte.</summary>
    private static FileKind Inspect(OwnedFileStream data, string path)
    {
        long length = data.Length;
        if (length == 0)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{path}' is an empty file (0 bytes); it was not changed. Delete it to start a new database.");
        }

        var header = new byte[Math.Min(PageSize, length)];
        data.Position = 0;
        int read = 0;
        while (read < header.Length)
        {
            int n = data.Read(header, read, header.Length - read);
            if (n <= 0)
            {
                break;
            }

            read += n;
        }

        bool liteHeader = read >= FileVersionOffset + 1
            && header[0] == 0
            && Encoding.ASCII.GetString(header, HeaderInfoOffset, HeaderInfo.Length) == HeaderInfo;
        if (!liteHeader)
        {
            throw new RecoException(
                RecoErrorCode.StorageOpenFailed,
                $"'{path}' is not an EmbeddedReco database (not a LiteDB file); it was not changed.");
        }

        if (header[FileVersionOffset] != LiteFileVersion)
        {
            throw new RecoException(
                RecoErrorCode.StorageOpenFailed,
                $"'{path}' is a LiteDB file of another version ({header[FileVersionOffset]}), not an EmbeddedReco database; it was not changed.");
        }

        if (length < PageSize || length % PageSize != 0)
        {
            throw new RecoException(
                RecoErrorCode.StorageCorrupt,
                $"The database '{path}' is truncated or damaged ({length} bytes, not a whole number of {PageSize}-byte pages); it was not changed.");
        }

        if (header[InvalidStateOffset] != 0)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{path}' is marked invalid by LiteDB; it was not changed.");
        }

        int userVersion = BitConverter.ToInt32(header, UserVersionOffset);
        int sort = BitConverter.ToInt32(header, CollationSortOffset);
        return userVersion == Mark && sort == (int)System.Globalization.CompareOptions.Ordinal ? FileKind.Ours : FileKind.Legacy;
    }

    private static LiteDatabase OpenLite(Stream data, Stream log, Collation? collation, bool readOnly) =>
        new LiteDatabase(new LiteEngine(new EngineSettings
        {
            DataStream = data,
            LogStream = log,
            Collation = collation,
            ReadOnly = readOnly,
        }));

    private static OwnedFileStream OpenOwned(string path, FileMode mode)
    {
        try
        {
            return OwnedFileStream.Open(path, mode);
        }
        catch (IOException ex) when (!(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException) && !(ex is PathTooLongException) && mode != FileMode.CreateNew)
        {
            throw DatabaseLock.AlreadyOpen(path, ex);
        }
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void DisposeQuietly(LiteDatabase db)
    {
        try
        {
            db.Dispose();
        }
        catch (Exception)
        {
            DeadInstances.Keep(db);
        }
    }

    private void CloseStreams(bool deleteEmptyLog)
    {
        _data?.CloseFile();
        _data = null;
        var log = _log;
        _log = null;
        if (log is null)
        {
            return;
        }

        bool empty = log.Length == 0;
        log.CloseFile();
        if (deleteEmptyLog && empty)
        {
            try
            {
                File.Delete(log.Name);
            }
            catch (IOException)
            {
                // An empty log left behind is harmless.
            }
        }
    }

    private void CloseQuietly()
    {
        try
        {
            if (Db is not null)
            {
                DisposeQuietly(Db);
            }
        }
        finally
        {
            CloseStreams(deleteEmptyLog: false);
        }
    }
}

/// <summary>LiteDB instances that failed: kept reachable so the finalizers of their broken transactions never run (see <see cref="DatabaseFile.Reopen"/>).</summary>
internal static class DeadInstances
{
    private static readonly System.Collections.Generic.List<object> Kept = new System.Collections.Generic.List<object>();

    public static void Keep(object instance)
    {
        lock (Kept)
        {
            Kept.Add(instance);
        }
    }
}
