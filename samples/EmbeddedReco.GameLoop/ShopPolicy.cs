using EmbeddedReco.Simulation;

namespace EmbeddedReco.GameLoop;

/// <summary>
/// Fills a shop shelf for a player according to their experiment variant.
/// <para>
/// ======================================================================================================================
/// THE ONE PLACE WHERE PER-VARIANT SETTINGS MEET THE ENGINE: each variant's <see cref="VariantSettings"/> become one cached
/// <see cref="SuggestOptions"/> (epsilon, diversity, scorer weights; popularity-only = content weight 0), passed to the
/// allocation-free span overload of <see cref="RecoEngine.Suggest(string, Span{Suggestion}, SuggestOptions?)"/>. When the engine
/// resolves variants itself (issue 7: "Suggest uses the user's variant automatically"), this becomes engine.Suggest(userId, shelf).
/// ======================================================================================================================
/// </para>
/// </summary>
internal sealed class ShopPolicy
{
    private readonly RecoEngine _engine;
    private readonly SuggestOptions[] _options;

    public ShopPolicy(RecoEngine engine, Experiment experiment)
    {
        _engine = engine;
        _options = new SuggestOptions[experiment.Variants.Count];
        for (int v = 0; v < _options.Length; v++)
        {
            var s = experiment.Variants[v].Settings;
            _options[v] = new SuggestOptions
            {
                Epsilon = s.Epsilon,
                Diversity = s.Diversity,
                ScorerWeights = s.PopularityOnly
                    ? new Dictionary<string, double>(StringComparer.Ordinal) { ["content"] = 0, ["popularity"] = 1 }
                    : s.ScorerWeights,
            };
        }
    }

    /// <summary>The exploration rate a variant runs with (null = the engine's default).</summary>
    public double? EpsilonOf(int variantIndex) => _options[variantIndex].Epsilon;

    /// <summary>Fills <paramref name="shelf"/> for the player; returns how many items were written.</summary>
    public int Fill(string userId, int variantIndex, Span<Suggestion> shelf) => _engine.Suggest(userId, shelf, _options[variantIndex]);
}
