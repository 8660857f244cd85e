using EmbeddedReco.Simulation;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Simulation;

public sealed class SimulatedLoopTests
{
    [Fact]
    public void EngineAndPlayers_SameSeed_SameInteractionStream()
    {
        Assert.Equal(Run(seed: 3), Run(seed: 3));
    }

    [Fact]
    public void EngineAndPlayers_Loop_PlayersLearnAndRespond()
    {
        var stream = Run(seed: 4);

        Assert.Contains(stream, s => s.Contains(" Click ", StringComparison.Ordinal));
        Assert.Contains(stream, s => s.Contains(" Play ", StringComparison.Ordinal));
        Assert.Contains(stream, s => s.StartsWith("Personalized", StringComparison.Ordinal));
    }

    private static List<string> Run(int seed)
    {
        var clock = new TestClock();
        using var engine = TestCatalog.InMemory(GameCatalog.Dimensions, clock);
        var catalog = GameCatalog.Generate(120, seed);
        engine.UpsertItems(catalog.ToDefinitions());
        var population = PlayerPopulation.Create(catalog, 12, seed);
        var shelf = new Suggestion[8];
        var outcome = new List<Interaction>();
        var stream = new List<string>();
        for (int visit = 0; visit < 15; visit++)
        {
            foreach (var player in population.Players)
            {
                int n = engine.Suggest(player.Id, shelf);
                stream.Add($"{shelf[0].Source} {shelf[0].ItemId}");
                outcome.Clear();
                player.Respond(shelf.AsSpan(0, n), clock.Now, outcome);
                foreach (var interaction in outcome)
                {
                    engine.Record(interaction);
                    stream.Add(interaction.ToString());
                }

                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return stream;
    }
}
