using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Scoring;

/// <summary>The blend finds the built-in scorers by their role, not by their name: a plugin named like one is still a plugin.</summary>
public class ScorerRoleTests
{
    private sealed class ConstantScorer : IScorer
    {
        public ConstantScorer(string name)
        {
            Name = name;
        }

        public string Name { get; }

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            scores.Fill(1f);
            return true;
        }
    }

    [Fact]
    public void Suggest_PluginNamedContentWhileCollaborativeSpeaks_KeepsItsFullWeight()
    {
        var options = TestCatalog.Options(dimensions: 8);
        options.Scorers.Remove(ScorerContract.Content);
        options.Scorers.Add(new ConstantScorer(ScorerContract.Content), weight: 1, normalization: ScoreNormalization.None, timeBudget: Timeout.InfiniteTimeSpan);
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(40, 8));
        var rng = new Random(3);
        for (int i = 0; i < 400; i++)
        {
            engine.Record(new Interaction($"p{rng.Next(20)}", $"item-{rng.Next(40):D4}", InteractionKind.Like));
        }

        engine.Train();
        var list = engine.Suggest("p1", new SuggestOptions { Count = 5 });

        // The engine's content scorer would yield to the collaborative one for a player with history (its weight scaled down);
        // a plugin that merely shares the name is not part of that hand-over.
        Assert.Contains(list[0].Breakdown!, c => c.Scorer == ScorerContract.Collaborative && c.Contribution != 0);
        foreach (var s in list)
        {
            Assert.Equal(1f, s.Breakdown!.Single(c => c.Scorer == ScorerContract.Content).Contribution);
        }
    }
}
