using LiteDB;

namespace EmbeddedReco.Tests.Storage;

/// <summary>Reads a closed database file directly, to check what the engine persisted.</summary>
internal static class StorageInspector
{
    public static int Count(string path, string collection)
    {
        using var db = Open(path);
        return db.GetCollection(collection).Count();
    }

    public static int CountInteractions(string path, string? user = null)
    {
        using var db = Open(path);
        var log = db.GetCollection("interactions");
        return user is null ? log.Count() : log.Count(Query.EQ("u", user));
    }

    private static LiteDatabase Open(string path) =>
        new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, ReadOnly = true });
}
