using EmbeddedReco.Tests.Infrastructure;
using LiteDB;

namespace EmbeddedReco.Tests.Storage;

/// <summary>Files written by the engine before storage format 2 (see Golden/README.md) open, migrated, with every row kept.</summary>
public class LegacyMigrationTests
{
    private static readonly string[] Collections = { "meta", "items", "users", "interactions", "engagement_users", "engagement_variants" };

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Storage", "Golden", name);

    private static RecoEngineOptions Options(string path) => new()
    {
        DatabasePath = path,
        Dimensions = 4,
        Experiment = new Experiment("shop", new[] { new ExperimentVariant("control", 1), new ExperimentVariant("explore", 1) }),
    };

    /// <summary>Every document of every collection, keyed by collection and id, without the fields format 2 adds or changes.</summary>
    private static Dictionary<string, string> Rows(string path)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, ReadOnly = true });
        foreach (string name in Collections)
        {
            foreach (var doc in db.GetCollection(name).FindAll())
            {
                doc.Remove("crc");
                if (name == "meta")
                {
                    doc.Remove("format");
                }

                var keys = doc.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
                rows[name + "/" + doc["_id"].ToString()] = string.Join(";", keys.Select(k => k + "=" + JsonSerializer.Serialize(doc[k])));
            }
        }

        return rows;
    }

    [Fact]
    public void Open_FormatOneFile_MigratesKeepingEveryRowAndTheSameSuggestions()
    {
        using var folder = new TempFolder();
        string path = folder.File("legacy.db");
        File.Copy(Golden("legacy-v1.db"), path);
        var before = Rows(path);

        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert.Equal(12, engine.ItemCount);
            Assert.Equal(5, engine.UserCount);
            Assert.Equal(12, engine.GetProfile("Alice")!.InteractionCount);
        }

        // Every row is there with the same content (players' documents may be re-written at dispose: their shown lists).
        var after = Rows(path);
        Assert.Equal(before.Count, after.Count);
        foreach (var row in before)
        {
            Assert.True(after.TryGetValue(row.Key, out var value), $"row {row.Key} lost by the migration");
            if (!row.Key.StartsWith("users/", StringComparison.Ordinal))
            {
                Assert.Equal(row.Value, value);
            }
        }

        Assert.False(File.Exists(path + ".embeddedreco-new"));
        using var reopened = RecoEngine.Open(Options(path));

        // Ordinal from now on: a player "ALICE" is someone else.
        reopened.Record(new Interaction("ALICE", "Sword", InteractionKind.Like));
        Assert.Equal(12, reopened.GetProfile("Alice")!.InteractionCount);
        Assert.Equal(6, reopened.UserCount);
    }

    [Fact]
    public void Open_FormatOneFileWithAnUncheckpointedLog_KeepsTheLoggedInteractions()
    {
        using var folder = new TempFolder();
        string path = folder.File("legacy-v1-log.db");
        File.Copy(Golden("legacy-v1-log.db"), path);
        File.Copy(Golden("legacy-v1-log-log.db"), folder.File("legacy-v1-log-log.db"));

        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert.Equal(10, engine.GetProfile("late-player")!.InteractionCount);
            Assert.Equal(6, engine.UserCount);
        }

        Assert.False(File.Exists(folder.File("legacy-v1-log-log.db")), "the old log must be gone once the migrated file replaced the old one");
        Assert.Equal(10, StorageInspector.CountInteractions(path, "late-player"));
        Assert.Equal(70, StorageInspector.CountInteractions(path));
    }

    [Fact]
    public void Open_MigratedFile_IsNotMigratedAgainAndKeepsItsContent()
    {
        using var folder = new TempFolder();
        string path = folder.File("legacy.db");
        File.Copy(Golden("legacy-v1.db"), path);
        using (RecoEngine.Open(Options(path)))
        {
        }

        byte[] migrated = File.ReadAllBytes(path);
        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert.Equal(12, engine.ItemCount);
        }

        Assert.Equal(migrated.Length, new FileInfo(path).Length);
    }
}
