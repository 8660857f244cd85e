using System;
using System.Collections.Generic;

namespace EmbeddedReco.Simulation;

/// <summary>An item of the synthetic game catalog: a game (or DLC) with genre axes, tags, a price and an intrinsic quality.</summary>
public sealed class GameItem
{
    internal GameItem(string id, int index, int genre, int? secondGenre, float[] features, string[] tags, decimal price, double quality, int hiddenGroup)
    {
        HiddenGroup = hiddenGroup;
        Id = id;
        Index = index;
        Genre = genre;
        SecondGenre = secondGenre;
        Features = features;
        Vector = features;
        Tags = tags;
        Price = price;
        Quality = quality;
        double norm = 0;
        foreach (float f in features)
        {
            norm += f * (double)f;
        }

        Norm = Math.Sqrt(norm);
    }

    /// <summary>The item id ("game-0000").</summary>
    public string Id { get; }

    /// <summary>The position in the catalog (0-based).</summary>
    public int Index { get; }

    /// <summary>The primary genre: an index into <see cref="GameCatalog.Genres"/>.</summary>
    public int Genre { get; }

    /// <summary>The secondary genre, if any.</summary>
    public int? SecondGenre { get; }

    /// <summary>The feature vector over <see cref="GameCatalog.Genres"/> (non-negative; not normalized).</summary>
    public IReadOnlyList<float> Features { get; }

    /// <summary>Tags: the genre names, "free" or "premium", and a style tag.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The price; 0 for free-to-play items.</summary>
    public decimal Price { get; }

    /// <summary>Intrinsic quality, 0..1: how much any player likes it beyond taste.</summary>
    public double Quality { get; }

    /// <summary>
    /// The item's hidden group, 0..<see cref="GameCatalog.HiddenGroups"/> - 1: what the metadata does not show (a franchise, an art
    /// direction, a community). Not in <see cref="Features"/> or <see cref="Tags"/>, so a content scorer cannot see it; players
    /// with <see cref="PlayerTraits.HiddenTasteWeight"/> above 0 care about it, and only their behaviour reveals it.
    /// </summary>
    public int HiddenGroup { get; }

    internal double Norm { get; }

    internal float[] Vector { get; }

    /// <summary>The item as the engine's catalog entry.</summary>
    /// <returns>A new item definition.</returns>
    public ItemDefinition ToDefinition() => new ItemDefinition(Id, (float[])Vector.Clone(), Tags);

    /// <inheritdoc />
    public override string ToString() => $"{Id} {GameCatalog.Genres[Genre]}{(SecondGenre is int s ? "/" + GameCatalog.Genres[s] : "")} q={Quality:0.00}";
}
