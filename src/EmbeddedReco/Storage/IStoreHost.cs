using System.Collections.Generic;
using EmbeddedReco.Catalog;
using EmbeddedReco.Engagement;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Storage;

/// <summary>
/// What the writer thread needs from the engine, in the engine's own terms: the state it holds (read under each piece's own lock
/// by <see cref="StoreDocuments"/>, which encodes it) and where to put the state loaded when the file opens. Persistence flows one
/// way: the engine never sees a LiteDB type, and the writer never changes the engine's state except through <see cref="Load"/>.
/// </summary>
internal interface IStoreHost
{
    /// <summary>The current catalog, entered for reading (the caller must <see cref="CatalogSnapshot.Exit"/> it).</summary>
    CatalogSnapshot EnterCatalog();

    /// <summary>The player's live state, or null when the player is unknown or forgotten.</summary>
    UserState? FindUser(string userId);

    /// <summary>The player's shown-list memory, or null.</summary>
    RecentLists? FindRecent(string userId);

    /// <summary>The engagement counters.</summary>
    EngagementAggregator Engagement { get; }

    /// <summary>Before a flush, checkpoint or shutdown commits: appends writes of state that changes too often to queue per change.</summary>
    void CollectDeferredWrites(List<WriteOp> batch);

    /// <summary>Takes the state loaded from the file (on the writer thread, before the engine is returned to the host).</summary>
    void Load(LoadedState state);

    /// <summary>
    /// After each commit, on the writer thread: housekeeping the engine keeps off the game's threads because it allocates (the
    /// exploration pool's new-item list compacted or re-keyed, the room for the state Records add). Short; an exception is logged
    /// and does not stop the writer.
    /// </summary>
    void AfterCommit();
}

/// <summary>Everything the engine keeps that was read (and validated) from the file when it opened.</summary>
internal sealed class LoadedState
{
    public LoadedState(CatalogSnapshot catalog, Dictionary<string, UserState> users, Dictionary<string, (long Calls, List<string[]> Lists)> recent, EngagementState engagement)
    {
        Catalog = catalog;
        Users = users;
        Recent = recent;
        Engagement = engagement;
    }

    public CatalogSnapshot Catalog { get; }

    public Dictionary<string, UserState> Users { get; }

    /// <summary>Each player's stored shown-list memory: lists shown and the lists (oldest first).</summary>
    public Dictionary<string, (long Calls, List<string[]> Lists)> Recent { get; }

    public EngagementState Engagement { get; }
}
