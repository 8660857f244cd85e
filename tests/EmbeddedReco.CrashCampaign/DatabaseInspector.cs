using System;
using System.Collections.Generic;
using LiteDB;

namespace EmbeddedReco.Crash;

/// <summary>
/// What a closed database file holds, read directly with LiteDB (read-only, like tests/EmbeddedReco.Tests/Storage/StorageInspector):
/// the interaction log rows per player, rows logged more than once, and every item's first tag. Call it only after the engine that
/// had the file open was disposed.
/// </summary>
internal sealed class DatabaseInspector
{
    private DatabaseInspector()
    {
    }

    /// <summary>Interaction log rows per player.</summary>
    public Dictionary<string, long> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows of a player beyond the first with the same (player, item, kind, timestamp): the same interaction logged twice.</summary>
    public Dictionary<string, long> RepeatedRows { get; } = new(StringComparer.Ordinal);

    /// <summary>Item id -> its first tag (empty when it has none).</summary>
    public Dictionary<string, string> ItemTags { get; } = new(StringComparer.Ordinal);

    public static DatabaseInspector Read(string path)
    {
        var result = new DatabaseInspector();
        using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, ReadOnly = true });
        var seen = new HashSet<(string User, string Item, int Kind, long Ticks)>();
        foreach (var doc in db.GetCollection("interactions").FindAll())
        {
            string user = doc["u"].AsString;
            result.Rows[user] = result.Rows.GetValueOrDefault(user) + 1;
            if (!seen.Add((user, doc["i"].AsString, doc["k"].AsInt32, doc["t"].AsInt64)))
            {
                result.RepeatedRows[user] = result.RepeatedRows.GetValueOrDefault(user) + 1;
            }
        }

        foreach (var doc in db.GetCollection("items").FindAll())
        {
            var tags = doc["tags"];
            result.ItemTags[doc["_id"].AsString] = tags.IsArray && tags.AsArray.Count > 0 ? tags.AsArray[0].AsString : string.Empty;
        }

        return result;
    }
}
