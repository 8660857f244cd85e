using System;
using System.Collections.Generic;
using System.Globalization;

namespace EmbeddedReco.Simulation;

/// <summary>
/// A generated game-like catalog: items over meaningful genre axes (action, puzzle, strategy, cozy, ...). Deterministic by seed.
/// </summary>
public sealed class GameCatalog
{
    private static readonly string[] GenreNames =
    {
        "action", "puzzle", "strategy", "cozy", "competitive", "story", "horror", "racing", "sports", "rpg", "rhythm", "sandbox",
    };

    private static readonly string[] Styles = { "pixel", "realistic", "cartoon", "minimal" };

    private readonly Dictionary<string, GameItem> _byId;

    private GameCatalog(GameItem[] items)
    {
        Items = items;
        _byId = new Dictionary<string, GameItem>(items.Length, StringComparer.Ordinal);
        foreach (var item in items)
        {
            _byId.Add(item.Id, item);
        }
    }

    /// <summary>The genre axes, in feature order.</summary>
    public static IReadOnlyList<string> Genres => GenreNames;

    /// <summary>The feature dimensions: one per genre (12).</summary>
    public static int Dimensions => GenreNames.Length;

    /// <summary>
    /// How many hidden groups items fall into (<see cref="GameItem.HiddenGroup"/>): 8. A hidden group stands for what item metadata
    /// does not show (a franchise, an art direction, a community); it is in neither the features nor the tags.
    /// </summary>
    public const int HiddenGroups = 8;

    /// <summary>The items, in id order.</summary>
    public IReadOnlyList<GameItem> Items { get; }

    /// <summary>Generates a catalog.</summary>
    /// <param name="itemCount">How many items, at least 1. Default 300.</param>
    /// <param name="seed">The random seed. Default 1.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="itemCount"/> is below 1.</exception>
    public static GameCatalog Generate(int itemCount = 300, int seed = 1)
    {
        if (itemCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, "The catalog needs at least one item.");
        }

        var rng = new Random(seed);
        var hidden = HiddenGroupSource(seed);
        var items = new GameItem[itemCount];
        int dims = Dimensions;
        for (int i = 0; i < itemCount; i++)
        {
            // Genre popularity is skewed (action and puzzle are common, rhythm rare), as in real stores.
            int genre = SkewedGenre(rng);
            int? second = rng.NextDouble() < 0.6 ? (int?)((genre + 1 + rng.Next(dims - 1)) % dims) : null;
            var features = new float[dims];
            for (int d = 0; d < dims; d++)
            {
                features[d] = (float)(rng.NextDouble() * 0.1);
            }

            features[genre] += 1f;
            if (second is int s)
            {
                features[s] += (float)(0.3 + (rng.NextDouble() * 0.4));
            }

            decimal price = rng.NextDouble() < 0.4 ? 0m : (decimal)(1 + rng.Next(6)) * 5m - 0.01m;
            var tags = new List<string>(4) { GenreNames[genre] };
            if (second is int s2)
            {
                tags.Add(GenreNames[s2]);
            }

            tags.Add(price == 0 ? "free" : "premium");
            tags.Add(Styles[rng.Next(Styles.Length)]);
            double quality = Beta22(rng);
            items[i] = new GameItem("game-" + i.ToString("D4", CultureInfo.InvariantCulture), i, genre, second, features, tags.ToArray(), price, quality, hidden.Next(HiddenGroups));
        }

        return new GameCatalog(items);
    }

    /// <summary>
    /// Generates a catalog of few genres with near-identical vectors (the shape of the console demo's catalog): every item belongs
    /// to one genre, its vector is that genre's axis plus at most 0.05 of noise on every axis (cosine between two items of a genre
    /// about 0.99), and its tags are the genre, "free" or "premium", and a style. No item has a second genre, so tags do not
    /// overlap across genres. Genres are equally common.
    /// </summary>
    /// <param name="itemCount">How many items, at least 1. Default 300.</param>
    /// <param name="seed">The random seed. Default 1.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="itemCount"/> is below 1.</exception>
    public static GameCatalog GenerateClustered(int itemCount = 300, int seed = 1)
    {
        if (itemCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, "The catalog needs at least one item.");
        }

        var rng = new Random(seed);
        var hidden = HiddenGroupSource(seed);
        var items = new GameItem[itemCount];
        int dims = Dimensions;
        for (int i = 0; i < itemCount; i++)
        {
            int genre = i % dims;
            var features = new float[dims];
            for (int d = 0; d < dims; d++)
            {
                features[d] = (float)(rng.NextDouble() * 0.05);
            }

            features[genre] += 1f;
            decimal price = rng.NextDouble() < 0.4 ? 0m : (decimal)(1 + rng.Next(6)) * 5m - 0.01m;
            string[] tags = { GenreNames[genre], price == 0 ? "free" : "premium", Styles[rng.Next(Styles.Length)] };
            items[i] = new GameItem("game-" + i.ToString("D4", CultureInfo.InvariantCulture), i, genre, null, features, tags, price, Beta22(rng), hidden.Next(HiddenGroups));
        }

        return new GameCatalog(items);
    }

    /// <summary>Finds an item by id.</summary>
    /// <param name="id">The item id.</param>
    /// <param name="item">The item, when found.</param>
    /// <returns>Whether the id is in the catalog.</returns>
    public bool TryGet(string id, out GameItem item)
    {
        if (id is not null && _byId.TryGetValue(id, out var found))
        {
            item = found;
            return true;
        }

        item = null!;
        return false;
    }

    /// <summary>The catalog as engine item definitions.</summary>
    /// <returns>One definition per item.</returns>
    public IEnumerable<ItemDefinition> ToDefinitions()
    {
        foreach (var item in Items)
        {
            yield return item.ToDefinition();
        }
    }

    /// <summary>
    /// The hidden groups' own generator, so that the catalog's other draws (and every catalog generated before hidden groups
    /// existed) stay the same for a seed.
    /// </summary>
    private static Random HiddenGroupSource(int seed) => new Random(PlayerPopulation.DeriveSeed(seed, int.MaxValue));

    private static int SkewedGenre(Random rng)
    {
        // Zipf-like weights 1/(1 + 0.3 k).
        double total = 0;
        for (int k = 0; k < GenreNames.Length; k++)
        {
            total += 1 / (1 + (0.3 * k));
        }

        double u = rng.NextDouble() * total;
        for (int k = 0; k < GenreNames.Length; k++)
        {
            u -= 1 / (1 + (0.3 * k));
            if (u < 0)
            {
                return k;
            }
        }

        return GenreNames.Length - 1;
    }

    private static double Beta22(Random rng)
    {
        // Mean of two uniforms: a symmetric hump on 0..1.
        return (rng.NextDouble() + rng.NextDouble()) / 2;
    }
}
