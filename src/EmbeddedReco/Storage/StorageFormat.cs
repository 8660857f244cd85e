using System;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// The layout of a database file and its versions. Format 1 (engines before the ordinal fix): LiteDB's default collation
/// (culture-aware, case-insensitive), so ids that differ by case or normalization were merged. Format 2: ordinal collation,
/// LiteDB's USER_VERSION set to <see cref="DatabaseFile.Mark"/>, a checksum in every item, player and engagement document,
/// and interaction log rows whose ids are given when queued (a replay rewrites the same row instead of adding one).
/// </summary>
internal static class StorageFormat
{
    public const int Version = 2;

    /// <summary>Collections whose documents carry a checksum.</summary>
    private static readonly string[] Sealed =
    {
        BsonCodec.ItemsCollection,
        BsonCodec.UsersCollection,
        BsonCodec.UserItemsCollection,
        EngagementBson.UsersCollection,
        EngagementBson.VariantsCollection,
    };

    /// <summary>Writes the metadata and indexes of a new database.</summary>
    public static void Initialize(LiteDatabase db, int dimensions)
    {
        db.GetCollection(BsonCodec.MetaCollection).Insert(BsonCodec.Meta(dimensions, Version));
        EnsureIndexes(db);
    }

    public static void EnsureIndexes(LiteDatabase db)
    {
        db.GetCollection(BsonCodec.InteractionsCollection, BsonAutoId.Int64).EnsureIndex("u");
        db.GetCollection(BsonCodec.UserItemsCollection).EnsureIndex("u");
    }

    /// <summary>True when an unmarked LiteDB database holds EmbeddedReco metadata of format 1 (read only; writes nothing).</summary>
    public static bool IsFormatOne(LiteDatabase db)
    {
        if (!db.CollectionExists(BsonCodec.MetaCollection))
        {
            return false;
        }

        var meta = db.GetCollection(BsonCodec.MetaCollection).FindById("meta");
        return meta is not null && meta["dims"].IsInt32 && meta["format"].IsInt32 && meta["format"].AsInt32 == 1;
    }

    /// <summary>Copies every document of a format-1 database into a new (ordinal) one, sealing checksums; keeps every row and id.</summary>
    public static void Migrate(LiteDatabase legacy, LiteDatabase fresh)
    {
        foreach (string name in legacy.GetCollectionNames())
        {
            var target = name == BsonCodec.InteractionsCollection
                ? fresh.GetCollection(name, BsonAutoId.Int64)
                : fresh.GetCollection(name);
            bool seal = Array.IndexOf(Sealed, name) >= 0;
            const int Chunk = 5000;
            var buffer = new System.Collections.Generic.List<BsonDocument>(Chunk);
            foreach (var doc in legacy.GetCollection(name).FindAll())
            {
                if (name == BsonCodec.MetaCollection && doc["_id"] == "meta")
                {
                    doc["format"] = Version;
                }

                if (name == BsonCodec.UsersCollection)
                {
                    SplitUserItems(doc, fresh);
                }

                buffer.Add(seal ? DocumentChecksum.Seal(doc) : doc);
                if (buffer.Count == Chunk)
                {
                    target.Insert(buffer);
                    buffer.Clear();
                }
            }

            if (buffer.Count > 0)
            {
                target.Insert(buffer);
            }
        }

        EnsureIndexes(fresh);
    }

    /// <summary>Format 1 kept a player's per-item states in an array of the player's document; format 2 keeps one document each.</summary>
    private static void SplitUserItems(BsonDocument user, LiteDatabase fresh)
    {
        if (!user.TryGetValue("items", out var items))
        {
            return;
        }

        user.Remove("items");
        if (!items.IsArray || items.AsArray.Count == 0)
        {
            return;
        }

        string userId = user["_id"].AsString;
        var docs = new System.Collections.Generic.List<BsonDocument>(items.AsArray.Count);
        long seq = 0;
        foreach (var entry in items.AsArray)
        {
            var doc = entry.AsDocument;
            doc["_id"] = BsonCodec.UserItemId(userId, doc["i"].AsString);
            doc["u"] = userId;
            doc["s"] = seq++;
            docs.Add(DocumentChecksum.Seal(doc));
        }

        fresh.GetCollection(BsonCodec.UserItemsCollection).Insert(docs);
    }

    /// <summary>Checks the metadata of an open database of ours against the engine's settings.</summary>
    /// <exception cref="ArgumentException">The file was created with other dimensions.</exception>
    /// <exception cref="RecoException">The metadata is missing or of an unknown format (<see cref="RecoErrorCode.StorageCorrupt"/>).</exception>
    public static void CheckMeta(LiteDatabase db, int dimensions, string path)
    {
        var meta = db.GetCollection(BsonCodec.MetaCollection).FindById("meta");
        if (meta is null)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{path}' carries the EmbeddedReco mark but no metadata.");
        }

        int fileDims = meta["dims"].IsInt32 ? meta["dims"].AsInt32 : -1;
        int format = meta["format"].IsInt32 ? meta["format"].AsInt32 : -1;
        if (format != Version)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{path}' has storage format {format}; this engine reads {Version}.");
        }

        if (fileDims != dimensions)
        {
            throw new ArgumentException(
                $"RecoEngineOptions.Dimensions is {dimensions} but the database '{path}' was created with {fileDims} dimensions.",
                "options.Dimensions");
        }
    }

    /// <summary>The next free id of the interaction log (ids are given when a row is queued).</summary>
    public static long NextLogId(LiteDatabase db)
    {
        var log = db.GetCollection(BsonCodec.InteractionsCollection, BsonAutoId.Int64);
        var last = log.Query().OrderByDescending("_id").Limit(1).FirstOrDefault();
        return last is not null && last["_id"].IsNumber ? last["_id"].AsInt64 + 1 : 1;
    }
}
