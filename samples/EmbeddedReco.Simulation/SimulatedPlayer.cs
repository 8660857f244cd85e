using System;
using System.Collections.Generic;

namespace EmbeddedReco.Simulation;

/// <summary>
/// A synthetic player with a hidden taste vector over the genre axes. Shown a list, the player looks down it (position bias),
/// clicks at most one item, plays it for a time that grows with its appeal, and may buy it. Appeal is the cosine between taste
/// and item (blended, when <see cref="PlayerTraits.HiddenTasteWeight"/> is above 0, with the player's affinity to the item's hidden
/// group, which no item feature shows), lowered by satiation (recent plays along the same axes), by familiarity (items played before) and raised by
/// novelty (items unlike recent plays, for novelty seekers) and quality. Unsatisfying visits build boredom; a player whose
/// boredom exceeds their patience churns and stops visiting. Deterministic: each player owns a seeded random generator.
/// </summary>
public sealed class SimulatedPlayer
{
    private readonly GameCatalog _catalog;
    private readonly PlayerTraits _traits;
    private readonly Random _rng;
    private readonly double[] _taste;
    private readonly double[] _satiation;
    private readonly double[] _recent;
    private readonly double[] _hiddenAffinity;
    private readonly Dictionary<int, int> _plays = new Dictionary<int, int>();
    private readonly HashSet<int> _owned = new HashSet<int>();

    internal SimulatedPlayer(string id, GameCatalog catalog, PlayerTraits traits, int seed)
    {
        Id = id;
        _catalog = catalog;
        _traits = traits;
        _rng = new Random(seed);
        int dims = GameCatalog.Dimensions;
        _taste = new double[dims];
        _satiation = new double[dims];
        _recent = new double[dims];

        // One or two favourite genres, a faint liking for the rest.
        int favourite = _rng.Next(dims);
        _taste[favourite] = 1;
        if (_rng.NextDouble() < 0.7)
        {
            int second = (favourite + 1 + _rng.Next(dims - 1)) % dims;
            _taste[second] = 0.4 + (_rng.NextDouble() * 0.5);
        }

        for (int d = 0; d < dims; d++)
        {
            _taste[d] += _rng.NextDouble() * 0.15;
        }

        Normalize(_taste);
        FavouriteGenre = favourite;
        NoveltySeeking = _rng.NextDouble();
        Patience = 0.75 + (_rng.NextDouble() * 0.2);
        _hiddenAffinity = HiddenAffinity(seed);
    }

    /// <summary>The player's id.</summary>
    public string Id { get; }

    /// <summary>The hidden favourite genre (index into <see cref="GameCatalog.Genres"/>).</summary>
    public int FavouriteGenre { get; }

    /// <summary>The hidden taste vector (unit length, non-negative), a copy.</summary>
    public IReadOnlyList<double> Taste => (double[])_taste.Clone();

    /// <summary>The player's favourite hidden group (<see cref="GameItem.HiddenGroup"/>); it matters when <see cref="PlayerTraits.HiddenTasteWeight"/> is above 0.</summary>
    public int FavouriteHiddenGroup { get; private set; }

    /// <summary>How much the player values novelty, 0..1.</summary>
    public double NoveltySeeking { get; }

    /// <summary>The boredom level (0.75..0.95) at which the player churns.</summary>
    public double Patience { get; }

    /// <summary>Current boredom, 0..1: a moving average of (1 - satisfaction) over visits.</summary>
    public double Boredom { get; private set; }

    /// <summary>False once the player has churned: they no longer visit.</summary>
    public bool IsActive { get; private set; } = true;

    /// <summary>Shop visits so far.</summary>
    public int Visits { get; private set; }

    /// <summary>The satisfaction (0..1) of the latest visit: the appeal of the item played, or a part
    /// (<see cref="PlayerTraits.BrowsingSatisfaction"/>) of the best appeal shown when nothing was played.</summary>
    public double LastSatisfaction { get; private set; }

    /// <summary>Satiation on a genre axis (0 = fresh).</summary>
    /// <param name="genre">The genre index.</param>
    /// <returns>The satiation level.</returns>
    public double SatiationOf(int genre) => _satiation[genre];

    /// <summary>
    /// How much the player would enjoy the item now (0..~1.3), before any randomness: the hidden truth a recommender tries to learn.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <returns>The appeal.</returns>
    public double Appeal(GameItem item)
    {
        if (item is null)
        {
            throw new ArgumentNullException(nameof(item), "The item must not be null.");
        }

        var v = item.Vector;
        double dot = 0, sat = 0, recentDot = 0, recentNorm = 0;
        for (int d = 0; d < v.Length; d++)
        {
            double f = v[d] / item.Norm;
            dot += _taste[d] * f;
            sat += _satiation[d] * f * f;
            recentDot += _recent[d] * f;
            recentNorm += _recent[d] * _recent[d];
        }

        double w = _traits.HiddenTasteWeight;
        if (w > 0)
        {
            dot = ((1 - w) * dot) + (w * _hiddenAffinity[item.HiddenGroup]);
        }

        double appeal = dot * (1 - Math.Min(_traits.MaxSatiation, sat));
        if (_plays.TryGetValue(item.Index, out int count))
        {
            appeal /= 1 + (_traits.FamiliarityPenalty * count);
        }

        double novelty = recentNorm > 0 ? 1 - (recentDot / Math.Sqrt(recentNorm)) : 0;
        appeal += NoveltySeeking * _traits.NoveltyBonus * novelty * dot;
        appeal += 0.15 * (item.Quality - 0.5);
        return Math.Max(0, appeal);
    }

    /// <summary>The player visits the shop and reacts to a list of suggestions.</summary>
    /// <param name="shown">What the shop shows, best slot first.</param>
    /// <param name="now">The time of the visit; every interaction is stamped with it.</param>
    /// <param name="output">Receives the interactions, in order (impressions first).</param>
    /// <returns>The number of interactions added (0 for a churned player).</returns>
    public int Respond(ReadOnlySpan<Suggestion> shown, DateTimeOffset now, ICollection<Interaction> output)
    {
        if (shown.Length > 64)
        {
            throw new ArgumentException("A shop shows at most 64 items.", nameof(shown));
        }

        Span<int> indexes = stackalloc int[shown.Length];
        for (int i = 0; i < shown.Length; i++)
        {
            indexes[i] = IndexOf(shown[i].ItemId);
        }

        return Respond(indexes, now, output);
    }

    /// <summary>The player visits the shop and reacts to a list of item ids.</summary>
    /// <param name="shownItemIds">The ids shown, best slot first; ids not in the catalog are ignored.</param>
    /// <param name="now">The time of the visit.</param>
    /// <param name="output">Receives the interactions.</param>
    /// <returns>The number of interactions added (0 for a churned player).</returns>
    public int Respond(IReadOnlyList<string> shownItemIds, DateTimeOffset now, ICollection<Interaction> output)
    {
        if (shownItemIds is null)
        {
            throw new ArgumentNullException(nameof(shownItemIds), "The list of shown items must not be null.");
        }

        if (shownItemIds.Count > 64)
        {
            throw new ArgumentException("A shop shows at most 64 items.", nameof(shownItemIds));
        }

        Span<int> indexes = stackalloc int[shownItemIds.Count];
        for (int i = 0; i < indexes.Length; i++)
        {
            indexes[i] = IndexOf(shownItemIds[i]);
        }

        return Respond(indexes, now, output);
    }

    private int Respond(ReadOnlySpan<int> shown, DateTimeOffset now, ICollection<Interaction> output)
    {
        if (output is null)
        {
            throw new ArgumentNullException(nameof(output), "The output collection must not be null.");
        }

        if (!IsActive)
        {
            return 0;
        }

        int added = 0;
        Visits++;
        var items = _catalog.Items;
        GameItem? picked = null;
        double pickedAppeal = 0, bestShown = 0;
        for (int k = 0; k < shown.Length; k++)
        {
            if (shown[k] < 0)
            {
                continue;
            }

            var item = items[shown[k]];
            output.Add(new Interaction(Id, item.Id, InteractionKind.Impression, 1, now));
            added++;
            if (picked is not null)
            {
                continue; // already chose; the rest are only seen
            }

            double looked = 1 / (1 + (_traits.PositionDecay * k));
            double appeal = Appeal(item);
            bestShown = Math.Max(bestShown, appeal);
            double click = _traits.MaxClickProbability * looked * Sigmoid(8 * (appeal - 0.5));
            if (_rng.NextDouble() < click)
            {
                picked = item;
                pickedAppeal = appeal;
            }
        }

        // A shelf worth browsing satisfies a little even without a click; playing something good satisfies fully.
        double satisfaction = _traits.BrowsingSatisfaction * Math.Min(1, bestShown);
        if (picked is not null)
        {
            output.Add(new Interaction(Id, picked.Id, InteractionKind.Click, 1, now));
            double noise = Math.Exp(0.3 * Gaussian());
            double seconds = Math.Round(_traits.PlaySecondsAtFullAppeal * Math.Min(1.3, pickedAppeal) * noise);
            output.Add(new Interaction(Id, picked.Id, InteractionKind.Play, seconds, now));
            added += 2;
            if (picked.Price > 0 && !_owned.Contains(picked.Index)
                && _rng.NextDouble() < _traits.PurchaseProbability * Math.Min(1, pickedAppeal * pickedAppeal))
            {
                _owned.Add(picked.Index);
                output.Add(new Interaction(Id, picked.Id, InteractionKind.Purchase, 1, now));
                added++;
            }

            satisfaction = Math.Max(satisfaction, Math.Min(1, pickedAppeal));
            Consume(picked);
        }

        // Satiation wears off a little each visit.
        for (int d = 0; d < _satiation.Length; d++)
        {
            _satiation[d] *= _traits.SatiationRetention;
        }

        LastSatisfaction = satisfaction;
        Boredom = (_traits.BoredomRetention * Boredom) + ((1 - _traits.BoredomRetention) * (1 - satisfaction));
        if (Visits >= _traits.MinVisitsBeforeChurn && Boredom > Patience)
        {
            IsActive = false;
        }

        return added;
    }

    private void Consume(GameItem item)
    {
        var v = item.Vector;
        for (int d = 0; d < v.Length; d++)
        {
            double f = v[d] / item.Norm;
            _satiation[d] += _traits.SatiationPerPlay * f * f;
            _recent[d] = (0.7 * _recent[d]) + (0.3 * f);
        }

        _plays[item.Index] = _plays.TryGetValue(item.Index, out int n) ? n + 1 : 1;
    }

    /// <summary>
    /// Affinities to the hidden groups, from a generator of their own (the player's other draws stay the same whatever the
    /// traits): 1 for a favourite group, 0.5 for a second one half the time, up to 0.2 for the rest.
    /// </summary>
    private double[] HiddenAffinity(int seed)
    {
        var rng = new Random(PlayerPopulation.DeriveSeed(seed, int.MaxValue));
        var affinity = new double[GameCatalog.HiddenGroups];
        for (int g = 0; g < affinity.Length; g++)
        {
            affinity[g] = rng.NextDouble() * 0.2;
        }

        FavouriteHiddenGroup = rng.Next(affinity.Length);
        affinity[FavouriteHiddenGroup] = 1;
        if (rng.NextDouble() < 0.5)
        {
            affinity[(FavouriteHiddenGroup + 1 + rng.Next(affinity.Length - 1)) % affinity.Length] = 0.5;
        }

        return affinity;
    }

    private int IndexOf(string? itemId) => itemId is not null && _catalog.TryGet(itemId, out var item) ? item.Index : -1;

    private double Gaussian()
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1].
        double u1 = 1 - _rng.NextDouble();
        double u2 = _rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static void Normalize(double[] v)
    {
        double n = 0;
        foreach (double x in v)
        {
            n += x * x;
        }

        n = Math.Sqrt(n);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= n;
        }
    }
}
