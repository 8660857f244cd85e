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

        lock (_mutation)
        {
            ThrowIfDisposed();
            _store.ThrowIfFaulted();
            var next = _state.Catalog.With(batch, null);
            _state.PublishCatalog(next);

            // One batch: the writer commits all of the call's items in one transaction or none of them.
            using var writes = _store.BeginBatch();
            foreach (var entry in batch)
            {
                writes.Add(new WriteOp(WriteOpKind.ItemChanged, entry.Id));
            }

            Log.CatalogChanged(_logger, next.Count, batch.Count, 0);
        }

        return batch.Count;
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
        lock (_mutation)
        {
            ThrowIfDisposed();
            _store.ThrowIfFaulted();
            if (!_state.Catalog.Index.ContainsKey(itemId))
            {
                return false;
            }

            var next = _state.Catalog.With(Array.Empty<(string, float[], string[])>(), new HashSet<string>(StringComparer.Ordinal) { itemId });
            _state.PublishCatalog(next);
            _store.Enqueue(new WriteOp(WriteOpKind.ItemChanged, itemId));
            Log.CatalogChanged(_logger, next.Count, 0, 1);
            return true;
        }
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

        var catalog = EnterCatalog();
        try
        {
            return catalog.Index.ContainsKey(itemId);
        }
        finally
        {
            catalog.Exit();
        }
    }
}
