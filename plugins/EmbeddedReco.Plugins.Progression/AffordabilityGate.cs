using System.Text.Json;
using EmbeddedReco;

[assembly: EmbeddedRecoPlugin(ScorerContract.Version)]

namespace EmbeddedReco.Plugins.Progression;

/// <summary>
/// A gate read from the per-call context: "coins" (the player's balance) and "level". An item whose price tag costs more than the
/// player's coins, or whose tags need a higher level, is excluded (<see cref="ScorerContract.Exclude"/>); affordable items score
/// 1 - price / coins (a mild preference for what the player can comfortably buy). Abstains when the context has neither key.
/// </summary>
public sealed class AffordabilityGate : IScorer
{
    private readonly IReadOnlyDictionary<string, int> _prices;
    private readonly IReadOnlyDictionary<string, int> _unlockLevels;

    /// <summary>Creates the gate.</summary>
    /// <param name="prices">Coins per price tag (e.g. "premium" = 2000).</param>
    /// <param name="unlockLevels">Level needed per tag (e.g. "hardcore" = 10).</param>
    public AffordabilityGate(IReadOnlyDictionary<string, int> prices, IReadOnlyDictionary<string, int> unlockLevels)
    {
        _prices = prices;
        _unlockLevels = unlockLevels;
    }

    /// <inheritdoc />
    public string Name => "progression.gate";

    /// <inheritdoc />
    public bool Score(in ScoringContext context, Span<float> scores)
    {
        bool hasCoins = context.TryGetContext("coins", out double coins);
        bool hasLevel = context.TryGetContext("level", out int level);
        if (!hasCoins && !hasLevel)
        {
            return false;
        }

        for (int row = 0; row < scores.Length; row++)
        {
            var tags = context.ItemTags(row);
            float score = 0.5f;
            for (int t = 0; t < tags.Count; t++)
            {
                string tag = tags[t];
                if (hasCoins && _prices.TryGetValue(tag, out int price))
                {
                    score = price > coins ? ScorerContract.Exclude : coins <= 0 ? 1f : (float)(1 - (price / coins));
                }

                if (hasLevel && _unlockLevels.TryGetValue(tag, out int needed) && level < needed)
                {
                    score = ScorerContract.Exclude;
                    break;
                }

                if (score == ScorerContract.Exclude)
                {
                    break;
                }
            }

            scores[row] = score;
        }

        return true;
    }
}

/// <summary>Registers <see cref="AffordabilityGate"/> from progression.json beside the plugin.</summary>
public sealed class ProgressionModule : IScorerModule
{
    /// <inheritdoc />
    public void Register(ScorerModuleContext context)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(context.PluginDirectory, "progression.json")));
        var prices = doc.RootElement.GetProperty("prices").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var levels = doc.RootElement.GetProperty("unlockLevels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        context.Add(new AffordabilityGate(prices, levels), weight: 0.2, normalization: ScoreNormalization.None);
    }
}
