using System.Collections.Concurrent;
using EmbeddedReco.Catalog;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Storage;

/// <summary>The writes that persist a replaced state (a snapshot load), queued as one batch: one commit or none.</summary>
internal static class StateWrites
{
    /// <summary>
    /// Queues every item of <paramref name="next"/> (added or replaced), every item of <paramref name="old"/> that is gone
    /// (removed), and, when profiles were replaced, every new profile and every profile that is gone. Call under the engine's
    /// mutation lock, after the swap.
    /// </summary>
    public static void QueueReplaced(LiteStore store, CatalogSnapshot old, CatalogSnapshot next, ConcurrentDictionary<string, UserState> oldUsers, ConcurrentDictionary<string, UserState>? nextUsers)
    {
        using var writes = store.BeginBatch();
        foreach (string id in next.Ids)
        {
            writes.Add(new WriteOp(WriteOpKind.ItemChanged, id));
        }

        foreach (string id in old.Ids)
        {
            if (!next.Index.ContainsKey(id))
            {
                writes.Add(new WriteOp(WriteOpKind.ItemChanged, id));
            }
        }

        if (nextUsers is null)
        {
            return;
        }

        foreach (var pair in nextUsers)
        {
            writes.Add(new WriteOp(WriteOpKind.UserReplaced, pair.Key));
        }

        foreach (var pair in oldUsers)
        {
            if (!nextUsers.ContainsKey(pair.Key))
            {
                writes.Add(new WriteOp(WriteOpKind.UserReplaced, pair.Key));
            }
        }
    }
}
