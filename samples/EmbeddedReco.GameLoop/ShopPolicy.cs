using EmbeddedReco.Simulation;

namespace EmbeddedReco.GameLoop;

/// <summary>
/// Fills a shop shelf for a player. The engine is opened with the experiment (<see cref="RecoEngineOptions.Experiment"/>), so it
/// assigns each player's variant itself (stable hash of experiment name and player id), applies the variant's epsilon, diversity
/// and scorer weights, and tags each suggestion with <see cref="Suggestion.Variant"/>: the game loop only calls the
/// allocation-free span overload.
/// </summary>
internal sealed class ShopPolicy
{
    private readonly RecoEngine _engine;
    private readonly Experiment _experiment;

    public ShopPolicy(RecoEngine engine, Experiment experiment)
    {
        _engine = engine;
        _experiment = experiment;
    }

    /// <summary>The exploration rate a variant runs with (null = the engine's default).</summary>
    public double? EpsilonOf(int variantIndex) => _experiment.Variants[variantIndex].Settings.Epsilon;

    /// <summary>Fills <paramref name="shelf"/> for the player; returns how many items were written.</summary>
    public int Fill(string userId, Span<Suggestion> shelf) => _engine.Suggest(userId, shelf);
}
