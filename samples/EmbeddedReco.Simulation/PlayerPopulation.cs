using System;
using System.Collections.Generic;
using System.Globalization;

namespace EmbeddedReco.Simulation;

/// <summary>A deterministic population of simulated players over a catalog.</summary>
public sealed class PlayerPopulation
{
    private PlayerPopulation(GameCatalog catalog, SimulatedPlayer[] players, PlayerTraits traits)
    {
        Catalog = catalog;
        Players = players;
        Traits = traits;
    }

    /// <summary>The catalog the players react to.</summary>
    public GameCatalog Catalog { get; }

    /// <summary>The players, ids "player-0000" upward.</summary>
    public IReadOnlyList<SimulatedPlayer> Players { get; }

    /// <summary>The model knobs in use.</summary>
    public PlayerTraits Traits { get; }

    /// <summary>Players who have not churned.</summary>
    public int ActiveCount
    {
        get
        {
            int n = 0;
            foreach (var p in Players)
            {
                n += p.IsActive ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>Creates a population. Player i's randomness depends only on (seed, i), not on the order of visits.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="playerCount">How many players, at least 1.</param>
    /// <param name="seed">The random seed. Default 1.</param>
    /// <param name="traits">The player model knobs; null means the defaults of <see cref="PlayerTraits"/>.</param>
    /// <returns>The population.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="playerCount"/> is below 1, or <see cref="PlayerTraits.HiddenTasteWeight"/> is not within 0..1.</exception>
    public static PlayerPopulation Create(GameCatalog catalog, int playerCount, int seed = 1, PlayerTraits? traits = null)
    {
        if (catalog is null)
        {
            throw new ArgumentNullException(nameof(catalog), "The catalog must not be null.");
        }

        if (playerCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(playerCount), playerCount, "The population needs at least one player.");
        }

        traits ??= new PlayerTraits();
        if (!(traits.HiddenTasteWeight >= 0 && traits.HiddenTasteWeight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(traits), traits.HiddenTasteWeight, "PlayerTraits.HiddenTasteWeight must be between 0 and 1.");
        }

        var players = new SimulatedPlayer[playerCount];
        for (int i = 0; i < playerCount; i++)
        {
            players[i] = new SimulatedPlayer("player-" + i.ToString("D4", CultureInfo.InvariantCulture), catalog, traits, DeriveSeed(seed, i));
        }

        return new PlayerPopulation(catalog, players, traits);
    }

    /// <summary>A per-player seed from the population seed and the player's index (SplitMix64 step, folded to 32 bits).</summary>
    internal static int DeriveSeed(int seed, int index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) + (ulong)(uint)index + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
