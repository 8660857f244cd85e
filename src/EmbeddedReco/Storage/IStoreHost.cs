using System.Collections.Generic;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// What the writer thread needs from the engine: the state to load when the file opens, and the current document of each key
/// it was told changed. The writer calls these on its own thread; the engine never calls into LiteDB.
/// </summary>
internal interface IStoreHost
{
    /// <summary>Loads the engine's state from an open database of ours (metadata already checked).</summary>
    void Load(LiteDatabase db);

    /// <summary>The item's current document, or null when the item no longer exists (it is then deleted).</summary>
    BsonDocument? ItemDocument(string id);

    /// <summary>The player's current document, or null when the player was forgotten.</summary>
    BsonDocument? UserDocument(string id);

    /// <summary>The document of one per-item state of a player, or null when it no longer exists (it is then deleted).</summary>
    BsonDocument? UserItemDocument(string userId, string itemId);

    /// <summary>The documents of every per-item state of a player (empty when the player is unknown).</summary>
    List<BsonDocument> UserItemDocuments(string userId);

    /// <summary>The player's engagement document, or null.</summary>
    BsonDocument? EngagementUserDocument(string id);

    /// <summary>The variant's engagement document, or null.</summary>
    BsonDocument? EngagementVariantDocument(string variant);

    /// <summary>Before a flush, checkpoint or shutdown commits: appends writes of state that changes too often to queue per change.</summary>
    void CollectDeferredWrites(List<WriteOp> batch);
}
