using System.Globalization;

namespace EmbeddedReco.Demo;

/// <summary>
/// `plugins [--plugins DIR]`: loads the scorer plugins the build put in artifacts/plugins (live-ops seasonal boost, progression
/// gate), shows what was loaded, and compares lists with and without them, with each suggestion's breakdown.
/// </summary>
internal static class PluginsDemo
{
    public static int Run(string[] args)
    {
        string folder = DemoPaths.Option(args, "--plugins") ?? DemoPaths.RepoPluginFolder
            ?? throw new ArgumentException("No plugin folder found: build the solution (dotnet build) or pass --plugins DIR.");
        var festival = new DateTimeOffset(2026, 12, 20, 18, 0, 0, TimeSpan.Zero);
        var options = new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = GameCatalog.Dimensions, Clock = () => festival };
        options.Policy.Epsilon = 0;
        var report = PluginLoader.LoadInto(options.Scorers, folder);
        Console.WriteLine($"plugins from {folder}:");
        foreach (var loaded in report.Loaded)
        {
            Console.WriteLine($"  loaded  {loaded}");
        }

        foreach (var skipped in report.Skipped)
        {
            Console.WriteLine($"  skipped {skipped}");
        }

        using var engine = RecoEngine.Open(options);
        var items = GameCatalog.Generate(count: 360, seed: 42);
        engine.UpsertItems(items);
        string shooter = items.First(i => i.Tags[0] == "shooter").Id;
        engine.Record(new Interaction("player-1", shooter, InteractionKind.Like, timestamp: festival.AddHours(-1)));
        engine.Record(new Interaction("player-1", items.First(i => i.Tags[0] == "farming").Id, InteractionKind.Play, 1800, festival.AddMinutes(-30)));

        Console.WriteLine();
        Console.WriteLine($"clock: {festival:yyyy-MM-dd} (the winter festival of liveops.json boosts cozy and farming games)");
        Print(engine.Suggest("player-1", new SuggestOptions { Count = 6, MarkShown = false, ScorerWeights = new Dictionary<string, double> { ["liveops.seasonal"] = 0 } }), "without the seasonal boost");
        Print(engine.Suggest("player-1", new SuggestOptions { Count = 6, MarkShown = false }), "with the seasonal boost");
        var context = new Dictionary<string, object?> { ["coins"] = 300, ["level"] = 4 };
        Print(engine.Suggest("player-1", new SuggestOptions { Count = 6, MarkShown = false, Context = context }), "a level-4 player with 300 coins (progression gate: no premium/standard, no hardcore/competitive)");
        return 0;
    }

    private static void Print(IReadOnlyList<Suggestion> list, string title)
    {
        Console.WriteLine();
        Console.WriteLine(title + ":");
        foreach (var s in list)
        {
            string parts = string.Join(" + ", s.Breakdown!.Select(c => $"{c.Scorer} {c.Contribution.ToString("0.00", CultureInfo.InvariantCulture)}"));
            Console.WriteLine($"  {GameCatalog.Title(s.ItemId),-20} {s.ItemId,-20} {s.Score.ToString("0.00", CultureInfo.InvariantCulture),5} = {parts}");
        }
    }
}
