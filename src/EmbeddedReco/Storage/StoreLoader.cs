using System;
using System.Collections.Generic;
using EmbeddedReco.Catalog;
using EmbeddedReco.Engagement;
using EmbeddedReco.Profiles;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// Reads an open database of ours into the engine's state, validating every document (checksums, vector lengths and norms,
/// finite values, counts); the encoding side is <see cref="StoreDocuments"/>. A document that fails raises
/// <see cref="RecoErrorCode.StorageCorrupt"/> naming it; nothing is written.
/// </summary>
internal static class StoreLoader
{
    public static LoadedState Load(LiteDatabase db, int dims, string path)
    {
        try
        {
            var catalog = LoadCatalog(db, dims, path);
            var users = new Dictionary<string, UserState>(StringComparer.Ordinal);
            var recent = new Dictionary<string, (long, List<string[]>)>(StringComparer.Ordinal);
            foreach (var doc in db.GetCollection(BsonCodec.UsersCollection).FindAll())
            {
                string? error = BsonCodec.ReadUser(doc, dims, out var user, out long calls, out var lists);
                if (error is not null)
                {
                    throw Corrupt(path, $"player '{user.Id}'", error);
                }

                users[user.Id] = user;
                if (lists is not null)
                {
                    recent[user.Id] = (calls, lists);
                }
            }

            LoadHistories(db, users, path);
            return new LoadedState(catalog, users, recent, LoadEngagement(db, path));
        }
        catch (Exception ex) when (ex is InvalidCastException || ex is NullReferenceException || ex is ArgumentException || ex is FormatException || ex is OverflowException)
        {
            throw new RecoException(RecoErrorCode.StorageCorrupt, $"The database '{path}' holds a document this engine cannot read: {ex.Message}", ex);
        }
    }

    private static CatalogSnapshot LoadCatalog(LiteDatabase db, int dims, string path)
    {
        var ids = new List<string>();
        var vectors = new List<float>();
        var tags = new List<string[]>();
        var counters = new List<(double Pop, long Imp, long Eng)>();
        var row = new float[dims];
        foreach (var doc in db.GetCollection(BsonCodec.ItemsCollection).FindAll())
        {
            string? error = BsonCodec.ReadItem(doc, row, out string id, out string[] itemTags, out var c);
            if (error is not null)
            {
                throw Corrupt(path, $"item '{id}'", error);
            }

            ids.Add(id);
            vectors.AddRange(row);
            tags.Add(itemTags);
            counters.Add(c);
        }

        var itemCounters = new MutableItemCounters(ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            itemCounters.Set(i, counters[i].Pop, counters[i].Imp, counters[i].Eng);
        }

        var rows = Common.LargePages.AllocateInPlace<float>(vectors.Count); // read from end to end by the float32 scan
        vectors.CopyTo(rows);
        return new CatalogSnapshot(dims, ids.ToArray(), rows, tags.ToArray(), itemCounters);
    }

    /// <summary>Per-item states, grouped by player and applied in their stored order.</summary>
    private static void LoadHistories(LiteDatabase db, Dictionary<string, UserState> users, string path)
    {
        var histories = new Dictionary<string, List<BsonDocument>>(StringComparer.Ordinal);
        foreach (var doc in db.GetCollection(BsonCodec.UserItemsCollection).FindAll())
        {
            string userId = doc["u"].IsString ? doc["u"].AsString : string.Empty;
            if (!histories.TryGetValue(userId, out var list))
            {
                histories[userId] = list = new List<BsonDocument>();
            }

            list.Add(doc);
        }

        foreach (var pair in histories)
        {
            if (!users.TryGetValue(pair.Key, out var user))
            {
                // The profile write was set aside (the database refused it) while its item states were stored: the states are
                // kept in the file but have no profile to belong to.
                continue;
            }

            string? error = BsonCodec.ReadUserItems(pair.Value, user, out string itemId);
            if (error is not null)
            {
                throw Corrupt(path, $"the state of item '{itemId}' of player '{pair.Key}'", error);
            }
        }
    }

    private static EngagementState LoadEngagement(LiteDatabase db, string path)
    {
        var state = new EngagementState();
        foreach (var doc in db.GetCollection(EngagementBson.UsersCollection).FindAll())
        {
            if (!DocumentChecksum.Verify(doc) || !EngagementBson.TryReadUser(doc, out var record))
            {
                throw Corrupt(path, "an engagement record", "is unreadable");
            }

            state.Users.Add(record);
        }

        foreach (var doc in db.GetCollection(EngagementBson.VariantsCollection).FindAll())
        {
            if (!DocumentChecksum.Verify(doc) || !EngagementBson.TryReadVariant(doc, out var record))
            {
                throw Corrupt(path, "an engagement record", "is unreadable");
            }

            state.Variants.Add(record);
        }

        return state;
    }

    private static RecoException Corrupt(string path, string what, string error) => new RecoException(
        RecoErrorCode.StorageCorrupt,
        $"The database '{path}' is damaged: {what} {error}. Nothing was changed; see docs/RELIABILITY.md for recovery.");
}
