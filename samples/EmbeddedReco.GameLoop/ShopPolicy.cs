using EmbeddedReco.Simulation;

namespace EmbeddedReco.GameLoop;

/// <summary>
/// Fills a shop shelf for a player according to their experiment variant.
/// <para>
/// ======================================================================================================================
/// THE ONE PLACE WHERE PER-VARIANT SETTINGS MEET THE ENGINE. Today the engine has no SuggestOptions, so this class emulates
/// the variant policies on top of the current public API:
///   * PopularityOnly: the engine's cold-start (popularity) list, obtained with a probe id that never records anything;
///   * Diversity (MMR lambda): a 3x larger candidate list from engine.Suggest, re-ranked by MMR on the item vectors;
///   * Epsilon: each slot is replaced, with probability epsilon, by a uniformly random catalog item (propensities kept).
/// When SuggestOptions lands, replace the body of <see cref="Fill"/> with one call:
///   engine.Suggest(userId, shelf, _optionsByVariant[variantIndex]) where the cached options are
///   new SuggestOptions { Epsilon = s.Epsilon, Diversity = s.Diversity, Seed = ..., (PopularityOnly via scorer weights) }.
/// ======================================================================================================================
/// </para>
/// Allocation-free per call: every buffer is allocated once here.
/// </summary>
internal sealed class ShopPolicy
{
    private const string PopularityProbeUser = "__popularity-probe__";

    private readonly RecoEngine _engine;
    private readonly Experiment _experiment;
    private readonly GameCatalog _catalog;
    private readonly float[][] _unit;
    private readonly Dictionary<string, int> _index;
    private readonly Suggestion[] _candidates;
    private readonly bool[] _taken;
    private readonly int[] _chosen;
    private readonly string[] _greedy;
    private readonly Random _rng;

    public ShopPolicy(RecoEngine engine, Experiment experiment, GameCatalog catalog, int shelfSize, int seed)
    {
        _engine = engine;
        _experiment = experiment;
        _catalog = catalog;
        _rng = new Random(seed);
        _candidates = new Suggestion[Math.Min(catalog.Items.Count, shelfSize * 3)];
        _taken = new bool[_candidates.Length];
        _chosen = new int[shelfSize];
        _greedy = new string[shelfSize];
        _index = new Dictionary<string, int>(catalog.Items.Count, StringComparer.Ordinal);
        _unit = new float[catalog.Items.Count][];
        for (int i = 0; i < catalog.Items.Count; i++)
        {
            var item = catalog.Items[i];
            _index.Add(item.Id, i);
            var v = item.Features.ToArray();
            float n = MathF.Sqrt(v.Sum(x => x * x));
            for (int d = 0; d < v.Length; d++)
            {
                v[d] = n > 0 ? v[d] / n : 0;
            }

            _unit[i] = v;
        }
    }

    /// <summary>The number of items the exploration step draws from.</summary>
    public int CatalogSize => _catalog.Items.Count;

    /// <summary>The greedy (pre-exploration) item of a slot in the latest <see cref="Fill"/> of an exploring variant.</summary>
    public string GreedyItem(int slot) => _greedy[slot];

    /// <summary>Fills <paramref name="shelf"/> for the player; returns how many items were written.</summary>
    public int Fill(string userId, int variantIndex, Span<Suggestion> shelf)
    {
        var settings = _experiment.Variants[variantIndex].Settings;
        if (settings.PopularityOnly)
        {
            return _engine.Suggest(PopularityProbeUser, shelf);
        }

        double lambda = settings.Diversity ?? 1.0;
        double epsilon = settings.Epsilon ?? 0.0;
        int n;
        if (lambda >= 1)
        {
            n = _engine.Suggest(userId, shelf);
        }
        else
        {
            int m = _engine.Suggest(userId, _candidates);
            n = Mmr(m, lambda, shelf);
        }

        if (epsilon > 0)
        {
            Explore(epsilon, shelf.Slice(0, n));
        }

        return n;
    }

    private int Mmr(int candidates, double lambda, Span<Suggestion> shelf)
    {
        Array.Clear(_taken);
        int k = Math.Min(shelf.Length, candidates);
        for (int slot = 0; slot < k; slot++)
        {
            int best = -1;
            double bestValue = double.NegativeInfinity;
            for (int c = 0; c < candidates; c++)
            {
                if (_taken[c])
                {
                    continue;
                }

                int row = _index[_candidates[c].ItemId];
                double maxSim = 0;
                for (int s = 0; s < slot; s++)
                {
                    maxSim = Math.Max(maxSim, Dot(_unit[row], _unit[_chosen[s]]));
                }

                double value = (lambda * _candidates[c].Score) - ((1 - lambda) * maxSim);
                if (value > bestValue)
                {
                    bestValue = value; // ties keep the earlier (better-ranked, then lower id) candidate
                    best = c;
                }
            }

            _taken[best] = true;
            _chosen[slot] = _index[_candidates[best].ItemId];
            shelf[slot] = _candidates[best];
        }

        return k;
    }

    private void Explore(double epsilon, Span<Suggestion> shelf)
    {
        int total = _catalog.Items.Count;
        for (int slot = 0; slot < shelf.Length; slot++)
        {
            _greedy[slot] = shelf[slot].ItemId;
            double greedyPropensity = (1 - epsilon) + (epsilon / total);
            if (_rng.NextDouble() >= epsilon)
            {
                shelf[slot] = new Suggestion(shelf[slot].ItemId, shelf[slot].Score, shelf[slot].Source, greedyPropensity);
                continue;
            }

            // A uniformly random item not already on the shelf (a few retries; keep the greedy item if unlucky).
            for (int attempt = 0; attempt < 8; attempt++)
            {
                var candidate = _catalog.Items[_rng.Next(total)].Id;
                if (!Contains(shelf, candidate))
                {
                    shelf[slot] = new Suggestion(candidate, 0f, SuggestionSource.Explore, epsilon / total);
                    break;
                }
            }
        }
    }

    private static bool Contains(Span<Suggestion> shelf, string id)
    {
        foreach (var s in shelf)
        {
            if (string.Equals(s.ItemId, id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
