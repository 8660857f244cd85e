using EmbeddedReco.Simulation;

namespace EmbeddedReco.PolicySweep;

/// <summary>The catalog shapes of the sweep.</summary>
internal enum CatalogShape
{
    /// <summary>12 genres, items of a genre nearly identical (cosine ~0.99), one genre tag each: the console demo's shape.</summary>
    Clustered,

    /// <summary>The game loop's catalog: skewed genres, 60 % of items with a second genre, overlapping genre tags.</summary>
    Overlapping,
}

/// <summary>What one simulated run produced, per player.</summary>
internal sealed record RunResult(double[] Engagement, bool[] Active, long Impressions, long Clicks, double DistinctGenresPerShelf);

/// <summary>
/// The game loop's shop without the frame timing: simulated players (samples/EmbeddedReco.Simulation) open a shop every 2-6
/// simulated seconds (60 ticks per second, the same schedule as samples/EmbeddedReco.GameLoop), the engine fills a shelf with
/// the allocation-free Suggest under one policy for everyone, and every reaction is recorded. In-memory database, deterministic
/// for (shape, seed, policy).
/// </summary>
internal static class ShopSimulation
{
    private const int TicksPerSecond = 60;

    public static RunResult Run(CatalogShape shape, int seed, PolicyConfig config, int players, int items, int seconds, int shelfSize)
    {
        var start = new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.Zero);
        var now = start;
        var catalog = shape == CatalogShape.Clustered ? GameCatalog.GenerateClustered(items, seed) : GameCatalog.Generate(items, seed);
        var population = PlayerPopulation.Create(catalog, players, seed);
        using var engine = RecoEngine.Open(new RecoEngineOptions
        {
            DatabasePath = RecoEngineOptions.InMemory,
            Dimensions = GameCatalog.Dimensions,
            Clock = () => now,
            Policy = config.ToPolicy(),
        });
        engine.UpsertItems(catalog.ToDefinitions());

        var weights = new EngagementWeights();
        var schedule = new Random(seed);
        var interval = new int[players];
        var next = new long[players];
        for (int p = 0; p < players; p++)
        {
            interval[p] = TicksPerSecond * (2 + schedule.Next(5));
            next[p] = schedule.Next(interval[p]);
        }

        var engagement = new double[players];
        var shelf = new Suggestion[shelfSize];
        var outcome = new List<Interaction>(shelfSize + 8);
        Span<bool> genreSeen = stackalloc bool[GameCatalog.Dimensions];
        long impressions = 0, clicks = 0, shelves = 0, genreSum = 0;
        long total = (long)seconds * TicksPerSecond;
        for (long tick = 0; tick < total; tick++)
        {
            now = start.AddTicks(tick * TimeSpan.TicksPerSecond / TicksPerSecond);
            for (int p = 0; p < players; p++)
            {
                var player = population.Players[p];
                if (tick < next[p] || !player.IsActive)
                {
                    continue;
                }

                next[p] += interval[p];
                int n = engine.Suggest(player.Id, shelf);
                genreSeen.Clear();
                for (int k = 0; k < n; k++)
                {
                    if (catalog.TryGet(shelf[k].ItemId, out var item) && !genreSeen[item.Genre])
                    {
                        genreSeen[item.Genre] = true;
                        genreSum++;
                    }
                }

                shelves++;
                outcome.Clear();
                player.Respond(new ReadOnlySpan<Suggestion>(shelf, 0, n), now, outcome);
                foreach (var interaction in outcome)
                {
                    engine.Record(interaction);
                    engagement[p] += weights.WeightOf(interaction.Kind, interaction.Value);
                    impressions += interaction.Kind == InteractionKind.Impression ? 1 : 0;
                    clicks += interaction.Kind == InteractionKind.Click ? 1 : 0;
                }
            }
        }

        var active = population.Players.Select(x => x.IsActive).ToArray();
        return new RunResult(engagement, active, impressions, clicks, shelves == 0 ? 0 : (double)genreSum / shelves);
    }
}
