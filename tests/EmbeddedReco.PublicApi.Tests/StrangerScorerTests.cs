using EmbeddedReco;

namespace EmbeddedReco.PublicApi.Tests;

/// <summary>A scorer written the way a plugin author would, against the public contract only.</summary>
public sealed class CheapFirstScorer : IScorer
{
    public string Name => "stranger.cheap-first";

    public bool Score(in ScoringContext context, Span<float> scores)
    {
        context.TryGetContext("budget", out double budget);
        for (int row = 0; row < scores.Length; row++)
        {
            var tags = context.ItemTags(row);
            float price = tags.Count > 0 && tags[0].StartsWith("price-", StringComparison.Ordinal) ? float.Parse(tags[0].AsSpan(6), System.Globalization.CultureInfo.InvariantCulture) : 0;
            scores[row] = budget > 0 && price > budget ? ScorerContract.Exclude : -price;
        }

        return true;
    }
}

public class StrangerScorerTests
{
    private static RecoEngine Open(double weight)
    {
        var options = new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 3 };
        options.Policy.Epsilon = 0;
        options.Policy.RecentLists = 0;
        options.Scorers.Add(new CheapFirstScorer(), weight);
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(new[]
        {
            new ItemDefinition("gold-sword", new float[] { 1, 0, 0 }, new[] { "price-900" }),
            new ItemDefinition("iron-sword", new float[] { 0.95f, 0.3f, 0 }, new[] { "price-100" }),
            new ItemDefinition("wood-sword", new float[] { 0.8f, 0.6f, 0 }, new[] { "price-10" }),
        });
        engine.Record(new Interaction("hero", "gold-sword", InteractionKind.Like));
        return engine;
    }

    [Fact]
    public void Suggest_WithStrangerScorer_BlendsItAndExplainsIt()
    {
        using var light = Open(0.01);
        using var heavy = Open(5);

        Assert.Equal("gold-sword", light.Suggest("hero")[0].ItemId);
        var list = heavy.Suggest("hero");
        // Weight 5 on cheapness outweighs similarity (1) and popularity (0.1): the expensive sword drops to last.
        Assert.Equal("gold-sword", list[^1].ItemId);
        Assert.All(list, s => Assert.Contains(s.Breakdown!, c => c.Scorer == "stranger.cheap-first"));
        Assert.All(list, s => Assert.Equal(s.Score, s.Breakdown!.Sum(c => c.Contribution), 4));
    }

    [Fact]
    public void Suggest_StrangerScorerReadsContext_ExcludesOverBudget()
    {
        using var engine = Open(1);

        var list = engine.Suggest("hero", new SuggestOptions { Context = new Dictionary<string, object?> { ["budget"] = 150 } });

        Assert.Equal(new[] { "iron-sword", "wood-sword" }, list.Select(s => s.ItemId).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(1, ScorerContract.Version);
    }

    [Fact]
    public void Module_RegisteredInCode_WorksWithoutAssemblyLoading()
    {
        var options = new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 3 };
        new CodeModule().Register(new ScorerModuleContext(options.Scorers, AppContext.BaseDirectory));

        Assert.NotNull(options.Scorers.Find("stranger.cheap-first"));
        using var engine = RecoEngine.Open(options);
        Assert.Contains(engine.GetScorers(), s => s.Name == "stranger.cheap-first" && s.Enabled);
    }

    private sealed class CodeModule : IScorerModule
    {
        public void Register(ScorerModuleContext context) => context.Add(new CheapFirstScorer(), 0.5);
    }
}
