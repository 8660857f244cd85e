using System;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Scoring;
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

        int dims = _options.Dimensions;
        var batch = new List<(string Id, float[] Row, string[] Tags)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in items)
        {
            if (item is null)
            {
                throw new ArgumentNullException(nameof(items), $"items[{index}] is null.");
            }

            Guard.Id(item.Id, nameof(items), _options.MaxIdBytes, "item");
            Guard.Vector(item.Features.Span, dims, nameof(items), $"item '{item.Id}'");
            if (!seen.Add(item.Id))
            {
                throw new ArgumentException($"Item id '{item.Id}' appears more than once in the batch.", nameof(items));
            }

            if (item.Tags.Count > ItemDefinition.MaxTags)
            {
                throw new ArgumentException(
                    $"Item '{item.Id}' has {item.Tags.Count} tags; the limit is {ItemDefinition.MaxTags} (ItemDefinition.MaxTags).", nameof(items));
            }

            var tags = new string[item.Tags.Count];
            for (int t = 0; t < tags.Length; t++)
            {
                string? tag = item.Tags[t];
                int position = -1;
                var problem = tag is null ? TextProblem.Empty : Guard.Inspect(tag, _options.MaxIdBytes, out position);
                if (problem == TextProblem.Empty)
                {
                    throw new ArgumentException($"Item '{item.Id}' has an empty or null tag at index {t}.", nameof(items));
                }

                if (problem != TextProblem.None)
                {
                    throw new ArgumentException(
                        Guard.Describe(problem, $"Tag {t} of item '{item.Id}'", tag!, _options.MaxIdBytes, position, "RecoEngineOptions.MaxIdBytes"),
                        nameof(items));
                }

                tags[t] = tag!;
            }

            var row = new float[dims];
            VectorKernels.NormalizeInto(item.Features.Span, row);
            batch.Add((item.Id, row, tags));
            index++;
        }

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
