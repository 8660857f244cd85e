using System;
using System.Collections.Generic;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Storage;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>Adds an item, or replaces the vector and tags of an existing one (its engagement counters are kept).</summary>
    /// <param name="item">The item. Its vector is copied and normalized to unit length.</param>
    /// <remarks>The catalog is an immutable matrix replaced atomically, so each call copies it: add many items with
    /// <see cref="UpsertItems"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="item"/> or its id is null.</exception>
    /// <exception cref="ArgumentException">Empty, over-long or ill-formed (unpaired UTF-16 surrogate) id, wrong vector length,
    /// non-finite value, more than <see cref="ItemDefinition.MaxTags"/> (64) tags, or an empty, ill-formed or over-long tag
    /// (tags share the id limit, <see cref="RecoEngineOptions.MaxIdBytes"/>).</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void UpsertItem(ItemDefinition item)
    {
        if (item is null)
        {
            throw new ArgumentNullException(nameof(item));
        }

        UpsertItems(new[] { item });
    }

    /// <summary>Adds or replaces many items in one atomic step: either every item is valid and applied, or none is.</summary>
    /// <param name="items">The items; ids must be unique within the batch.</param>
    /// <returns>The number of items upserted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/>, an item or an id is null.</exception>
    /// <exception cref="ArgumentException">A bad item (see <see cref="UpsertItem"/>) or a duplicate id in the batch; the message names it.</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int UpsertItems(IEnumerable<ItemDefinition> items)
    {
        ThrowIfDisposed();
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        var batch = ItemBatch.Validate(items, _options.Dimensions, _options.MaxIdBytes);
        if (batch.Count == 0)
        {
            return 0;
        }

        return ChangeCatalog(batch, null);
    }

    /// <summary>Removes an item from the catalog; it is never suggested again. Players' consumed sets and the interaction log keep its id.</summary>
    /// <param name="itemId">The item's id.</param>
    /// <returns>True when the item existed and was removed; false when it was unknown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="itemId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="itemId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public bool RemoveItem(string itemId)
    {
        ThrowIfDisposed();
        Guard.Id(itemId, nameof(itemId), _options.MaxIdBytes, "item");
        return ChangeCatalog(new List<(string Id, float[] Row, string[] Tags)>(), itemId) == 1;
    }

    /// <summary>True when the catalog holds an item with this id.</summary>
    /// <param name="itemId">The item's id.</param>
    /// <returns>Whether the item exists.</returns>
    public bool ContainsItem(string itemId)
    {
        ThrowIfDisposed();
        if (itemId is null)
        {
            return false;
        }

        return _state.ContainsItem(itemId);
    }

    /// <summary>
    /// Publishes the catalog with <paramref name="upserts"/> applied and <paramref name="removal"/> (if any, and known) removed,
    /// and queues their writes as one batch: the writer commits all of the call's items in one transaction or none of them.
    /// Returns the number of items changed.
    /// </summary>
    private int ChangeCatalog(List<(string Id, float[] Row, string[] Tags)> upserts, string? removal)
    {
        // The next catalog is built outside the mutation lock (a copy of every row, the id index, the int8 rows): Record and
        // other state changes do not wait for it. Catalog changes are serialized among themselves, so `current` stays current;
        // under the mutation lock only the counters are carried (Records change them until then) and the catalog published.
        lock (_catalogChange)
        {
            ThrowIfDisposed();
            _store.ThrowIfFaulted();
            var current = _state.Catalog;
            if (removal is not null && !current.Index.ContainsKey(removal))
            {
                return 0;
            }

            var next = current.With(upserts, removal is null ? null : new HashSet<string>(StringComparer.Ordinal) { removal }, out int[] counterSource);
            _state.Prepare(next);
            lock (_mutation)
            {
                ThrowIfDisposed();
                _store.ThrowIfFaulted();
                next.Counters.CarryFrom(current.Counters, counterSource);
                _state.PublishCatalog(next);
                using var writes = _store.BeginBatch();
                foreach (var entry in upserts)
                {
                    writes.Add(new WriteOp(WriteOpKind.ItemChanged, entry.Id));
                }

                if (removal is not null)
                {
                    writes.Add(new WriteOp(WriteOpKind.ItemChanged, removal));
                }
            }

            int removed = removal is null ? 0 : 1;
            Log.CatalogChanged(_logger, next.Count, upserts.Count, removed);
            _warmup.Request(next);
            return upserts.Count + removed;
        }
    }
}
