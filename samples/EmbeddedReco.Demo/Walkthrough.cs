using System.Diagnostics;
using System.Globalization;

namespace EmbeddedReco.Demo;

/// <summary>
/// The default demo: creates a database in the per-user data folder, fills it with a generated game catalog and some background
/// players, then plays one scripted player and prints suggestions before and after, and finally reopens the file.
/// </summary>
internal static class Walkthrough
{
    private const string Player = "player-1";

    public static int Run(string[] args)
    {
        string path = DemoPaths.Option(args, "--db") ?? DemoPaths.DefaultDatabase;
        DemoPaths.DeleteDatabase(path);
        var start = new DateTimeOffset(2026, 11, 1, 18, 0, 0, TimeSpan.Zero);
        var now = start;
        var options = new RecoEngineOptions
        {
            DatabasePath = path,
            Dimensions = GameCatalog.Dimensions,
            Clock = () => now,
        };

        Console.WriteLine("EmbeddedReco demo");
        Console.WriteLine($"database: {path}");
        var sw = Stopwatch.StartNew();
        using (var engine = RecoEngine.Open(options))
        {
            var items = GameCatalog.Generate(count: 360, seed: 42);
            engine.UpsertItems(items);
            Console.WriteLine($"catalog:  {engine.ItemCount} games, {engine.Dimensions} feature axes ({string.Join(", ", GameCatalog.Axes.Take(6))}, ...)");

            int background = PlayBackgroundPlayers(engine, items, start);
            Console.WriteLine($"history:  {background} interactions from 60 background players (they make some games popular)");
            Console.WriteLine();

            Print(engine, $"{Player} is new: cold start, ranked by engagement-weighted popularity");

            // A scripted session: the player clicks a farming game, plays it for 25 minutes, likes a visual novel,
            // buys a cozy farming game and skips a shooter.
            now = start.AddHours(1);
            string farming = items.First(i => i.Tags[0] == "farming").Id;
            string novel = items.First(i => i.Tags[0] == "visual-novel").Id;
            string farming2 = items.Where(i => i.Tags[0] == "farming").Skip(1).First().Id;
            string shooter = items.First(i => i.Tags[0] == "shooter").Id;
            Record(engine, new Interaction(Player, farming, InteractionKind.Click, timestamp: now));
            Record(engine, new Interaction(Player, farming, InteractionKind.Play, 25 * 60, now.AddMinutes(1)));
            Record(engine, new Interaction(Player, novel, InteractionKind.Like, timestamp: now.AddMinutes(30)));
            Record(engine, new Interaction(Player, farming2, InteractionKind.Purchase, timestamp: now.AddMinutes(32)));
            Record(engine, new Interaction(Player, shooter, InteractionKind.Skip, timestamp: now.AddMinutes(33)));
            now = now.AddMinutes(34);
            Console.WriteLine();

            Print(engine, $"{Player} after one session: personalized (the purchased game is not offered again)");
            var profile = engine.GetProfile(Player)!;
            Console.WriteLine($"profile:  {profile.InteractionCount} interactions, taste = {GameCatalog.Describe(profile.Vector)}");
            engine.Flush();
        }

        Console.WriteLine();
        Console.WriteLine("closed the engine; reopening the same file ...");
        using (var engine = RecoEngine.Open(options))
        {
            var profile = engine.GetProfile(Player)!;
            Console.WriteLine($"reopened: {engine.ItemCount} games, {engine.UserCount} players; {Player}: {profile.InteractionCount} interactions, taste = {GameCatalog.Describe(profile.Vector)}");
            Print(engine, $"{Player} after reopening: the same list");
        }

        Console.WriteLine($"done in {sw.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; the database stays at {path}");
        return 0;
    }

    private static int PlayBackgroundPlayers(RecoEngine engine, List<ItemDefinition> items, DateTimeOffset start)
    {
        var rng = new Random(7);
        int count = 0;
        // Background players favour a few archetypes, so popularity is skewed like a real store.
        string[] favourites = { "shooter", "kart", "farming", "roguelike" };
        for (int p = 0; p < 60; p++)
        {
            string fav = favourites[p % favourites.Length];
            var pool = items.Where(i => i.Tags[0] == fav).ToList();
            for (int k = 0; k < 6; k++)
            {
                var item = rng.NextDouble() < 0.8 ? pool[rng.Next(Math.Min(4, pool.Count))] : items[rng.Next(items.Count)];
                var kind = rng.NextDouble() < 0.2 ? InteractionKind.Purchase : InteractionKind.Click;
                engine.Record(new Interaction($"bg-{p:D2}", item.Id, kind, timestamp: start.AddMinutes(-rng.Next(0, 7 * 24 * 60))));
                count++;
            }
        }

        return count;
    }

    private static void Record(RecoEngine engine, Interaction interaction)
    {
        engine.Record(interaction);
        string value = interaction.Kind == InteractionKind.Play ? $" {interaction.Value / 60:0} min" : string.Empty;
        Console.WriteLine($"  {interaction.Kind,-9}{value,-7} {GameCatalog.Title(interaction.ItemId)} ({interaction.ItemId})");
    }

    private static void Print(RecoEngine engine, string title)
    {
        Console.WriteLine(title + ":");
        var buffer = new Suggestion[8];
        int n = engine.Suggest(Player, buffer);
        for (int i = 0; i < n; i++)
        {
            var s = buffer[i];
            Console.WriteLine($"  {i + 1,2}. {GameCatalog.Title(s.ItemId),-20} {s.ItemId,-22} {s.Source,-12} score {s.Score.ToString("0.000", CultureInfo.InvariantCulture)}");
        }
    }
}
