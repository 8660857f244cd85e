using System.Security.Cryptography;
using EmbeddedReco.Tests.Infrastructure;
using LiteDB;

namespace EmbeddedReco.Tests.Storage;

/// <summary>A file that is not a sound database of ours is refused with a clear code, and its bytes stay exactly as they were.</summary>
public class ForeignFileTests
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static void AssertRefusedAndUntouched(string path, RecoErrorCode expected)
    {
        string before = Hash(path);
        long length = new FileInfo(path).Length;
        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path)));
        Assert.Equal(expected, ex.Code);
        Assert.Equal(length, new FileInfo(path).Length);
        Assert.Equal(before, Hash(path));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path))), "no log file may be created beside a foreign file");

        // The refusal leaves nothing locked: the same call fails the same way again.
        var again = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path)));
        Assert.Equal(expected, again.Code);
    }

    [Fact]
    public void Open_PngFile_ThrowsStorageOpenFailedAndLeavesItUnchanged()
    {
        using var folder = new TempFolder();
        string path = folder.File("picture.db");
        File.WriteAllBytes(path, Png);
        AssertRefusedAndUntouched(path, RecoErrorCode.StorageOpenFailed);
    }

    [Fact]
    public void Open_TextFile_ThrowsStorageOpenFailedAndLeavesItUnchanged()
    {
        using var folder = new TempFolder();
        string path = folder.File("notes.db");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("my save game, do not delete\n", 1000)));
        AssertRefusedAndUntouched(path, RecoErrorCode.StorageOpenFailed);
    }

    [Fact]
    public void Open_EmptyFile_ThrowsStorageCorruptAndLeavesItUnchanged()
    {
        using var folder = new TempFolder();
        string path = folder.File("empty.db");
        File.WriteAllBytes(path, Array.Empty<byte>());
        AssertRefusedAndUntouched(path, RecoErrorCode.StorageCorrupt);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(8192 + 100)]
    [InlineData(3 * 8192 + 4096)]
    public void Open_TruncatedDatabase_ThrowsStorageCorruptAndLeavesItUnchanged(int length)
    {
        using var folder = new TempFolder();
        string path = folder.File("cut.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path)))
        {
            engine.UpsertItems(TestCatalog.Random(300, 8));
        }

        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(Math.Min(length, stream.Length - 1));
        }

        AssertRefusedAndUntouched(path, RecoErrorCode.StorageCorrupt);
    }

    [Fact]
    public void Open_LiteDbFileOfAnotherApplication_ThrowsStorageOpenFailedAndLeavesItUnchanged()
    {
        using var folder = new TempFolder();
        string path = folder.File("other-app.db");
        using (var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        {
            db.GetCollection("saves").Insert(new BsonDocument { ["_id"] = 1, ["level"] = 12 });
        }

        AssertRefusedAndUntouched(path, RecoErrorCode.StorageOpenFailed);
    }

    [Fact]
    public void Open_EmptyLiteDbFileOfAnotherApplication_IsNotClaimed()
    {
        using var folder = new TempFolder();
        string path = folder.File("other-empty.db");
        using (var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        {
            db.Checkpoint();
        }

        AssertRefusedAndUntouched(path, RecoErrorCode.StorageOpenFailed);
    }

    [Fact]
    public void Open_NewPath_LeavesNoTemporaryFileAndCreatesADatabaseThatReopens()
    {
        using var folder = new TempFolder();
        string path = folder.File("new.db");
        using (RecoEngine.Open(TestCatalog.Options(path)))
        {
        }

        Assert.Equal(new[] { "new.db", "new.db.lock" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        using var reopened = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Equal(0, reopened.ItemCount);
    }

    [Fact]
    public void Open_LeftoverTemporaryFileOfACrashedCreate_IsIgnoredAndReplaced()
    {
        using var folder = new TempFolder();
        string path = folder.File("crashed.db");
        File.WriteAllBytes(path + ".embeddedreco-new", new byte[] { 1, 2, 3 });
        using var engine = RecoEngine.Open(TestCatalog.Options(path));
        Assert.False(File.Exists(path + ".embeddedreco-new"));
    }
}
