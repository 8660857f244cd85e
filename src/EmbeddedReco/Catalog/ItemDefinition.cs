using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>
/// An item of the catalog: an id, a feature vector of <see cref="RecoEngineOptions.Dimensions"/> finite numbers and
/// optional tags. The engine copies what it needs, so the caller may reuse the arrays afterwards.
/// </summary>
public sealed class ItemDefinition
{
    /// <summary>
    /// The most tags one item may have: 64. With tags and ids of at most <see cref="RecoEngineOptions.MaxIdBytes"/> (at most 1000)
    /// UTF-8 bytes and at most 4096 dimensions, an item's stored document stays below 100 KB, far from LiteDB's ~16 MB document limit.
    /// </summary>
    public const int MaxTags = 64;

    private static readonly string[] NoTags = Array.Empty<string>();

    /// <summary>Creates an item definition.</summary>
    /// <param name="id">Unique item id (non-empty, well-formed UTF-16, at most <see cref="RecoEngineOptions.MaxIdBytes"/> UTF-8 bytes).</param>
    /// <param name="features">The feature vector. Its length must equal the engine's dimensions and every value must be finite.
    /// The engine stores it normalized to unit length, so only its direction matters. An all-zero vector is allowed: such an item
    /// is reached through popularity and exploration only.</param>
    /// <param name="tags">Optional tags (genre, slot, rarity, ...): at most <see cref="MaxTags"/> (64), each non-empty, well-formed
    /// UTF-16 (no unpaired surrogate) and at most <see cref="RecoEngineOptions.MaxIdBytes"/> UTF-8 bytes. Null means none.
    /// Checked by <see cref="RecoEngine.UpsertItems"/>.</param>
    public ItemDefinition(string id, ReadOnlyMemory<float> features, IReadOnlyList<string>? tags = null)
    {
        Id = id;
        Features = features;
        Tags = tags ?? NoTags;
    }

    /// <summary>The item's id.</summary>
    public string Id { get; }

    /// <summary>The feature vector as given (not normalized).</summary>
    public ReadOnlyMemory<float> Features { get; }

    /// <summary>The item's tags; empty when none were given.</summary>
    public IReadOnlyList<string> Tags { get; }
}
