using System.Collections.Generic;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// The writer thread's view of the engine's state as documents: each method reads one piece of live state under that piece's own
/// lock and encodes it with <see cref="BsonCodec"/> or <see cref="EngagementBson"/>; null means the key no longer exists (the
/// document is then deleted). The decoding side is <see cref="StoreLoader"/>.
/// </summary>
internal static class StoreDocuments
{
    public static BsonDocument? Item(IStoreHost host, string id)
    {
        var catalog = host.EnterCatalog();
        try
        {
            return catalog.Index.TryGetValue(id, out int row) ? BsonCodec.Item(catalog, row) : null;
        }
        finally
        {
            catalog.Exit();
        }
    }

    /// <summary>The player's profile with the shown-list memory, which is marked stored.</summary>
    public static BsonDocument? User(IStoreHost host, string id)
    {
        var user = host.FindUser(id);
        if (user is null)
        {
            return null;
        }

        BsonDocument doc;
        lock (user.Gate)
        {
            doc = BsonCodec.User(user);
        }

        if (host.FindRecent(id) is { } recent)
        {
            lock (recent.Gate)
            {
                recent.Dirty = false;
                doc["shown"] = BsonCodec.Recent(recent.Calls, recent.Export());
            }
        }

        return doc;
    }

    public static BsonDocument? UserItem(IStoreHost host, string userId, string itemId)
    {
        var user = host.FindUser(userId);
        if (user is null)
        {
            return null;
        }

        lock (user.Gate)
        {
            return user.Items.TryGetValue(itemId, out var st) ? BsonCodec.UserItem(userId, itemId, st) : null;
        }
    }

    public static List<BsonDocument> UserItems(IStoreHost host, string userId)
    {
        var docs = new List<BsonDocument>();
        if (host.FindUser(userId) is { } user)
        {
            lock (user.Gate)
            {
                foreach (var pair in user.Items)
                {
                    docs.Add(BsonCodec.UserItem(userId, pair.Key, pair.Value));
                }
            }
        }

        return docs;
    }

    public static BsonDocument? EngagementUser(IStoreHost host, string userId) =>
        host.Engagement.ExportUser(userId) is { } record ? EngagementBson.User(record) : null;

    public static BsonDocument? EngagementVariant(IStoreHost host, string variant) =>
        host.Engagement.ExportVariant(variant) is { } record ? EngagementBson.Variant(record) : null;
}
