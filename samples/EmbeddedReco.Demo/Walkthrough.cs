using System.Diagnostics;
using System.Globalization;

namespace EmbeddedReco.Demo;

/// <summary>
/// The default demo: creates a database in the per-user data folder, fills it with a generated game catalog and some background
/// players, then walks one scripted player through cold start, one session, diversity, exploration and a reopen of the file.
/// Every claim it prints is checked by the demo itself ("[ok]" or "[FALSE]"); the exit code is 3 when any check fails.
/// </summary>
internal static class Walkthrough
{
    /// <summary>The line printed at the end when every self-check held; tests look for it.</summary>
    public const string AllChecksPassed = "every claim above was checked by this demo and holds";

    private const string Player = "player-1";
    private const int ShelfSize = 8;

    public static int Run(string[] args)
    {
        string path = DemoPaths.Option(args, "--db") ?? DemoPaths.DefaultDatabase;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        DemoPaths.DeleteDatabase(path);
        var start = new DateTimeOffset(2026, 11, 1, 18, 0, 0, TimeSpan.Zero);
        var now = start;
        var options = new RecoEngineOptions
        {
            DatabasePath = path,
            Dimensions = GameCatalog.Dimensions,
            Clock = () => now,
        };
        var policy = options.Policy;
        string lambda = Num(policy.Diversity, "0.0#");
        var claims = new Claims();

        Console.WriteLine("EmbeddedReco demo");
        Console.WriteLine($"database: {path}");
        var sw = Stopwatch.StartNew();
        var items = GameCatalog.Generate(count: 360, seed: 42);
        var byId = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        IReadOnlyList<Suggestion> shelf, nextIfNeverClosed, coldPeekOfNewcomer;
        UserProfile profileBeforeClose;
        string farming2;
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(items);
            int genres = items.Select(Genre).Distinct(StringComparer.Ordinal).Count();
            Console.WriteLine($"catalog:  {engine.ItemCount} games in {genres} genres, {engine.Dimensions} feature axes ({string.Join(", ", GameCatalog.Axes.Take(6))}, ...);");
            Console.WriteLine("          the games of a genre have near-identical vectors");
            int background = PlayBackgroundPlayers(engine, items, start);
            Console.WriteLine($"history:  {background} interactions from 60 background players (they make some games popular)");
            Console.WriteLine($"policy:   engine defaults: epsilon {Num(policy.Epsilon, "0.0#")}, MMR diversity lambda {lambda}, cooldown after {policy.CooldownImpressions} ignored impressions,");
            Console.WriteLine($"          the last {policy.RecentLists} lists demoted by {Num(policy.RecentListPenalty, "0.0#")} (docs/policy.md)");

            // 1. Cold start.
            Heading("1. Cold start");
            var byPopularity = engine.Suggest(Player, new SuggestOptions { Count = 50, Epsilon = 0, Diversity = 1, MarkShown = false });
            var cold = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize });
            Console.WriteLine($"{Player} is new: no interactions, so every game's score is its engagement-weighted popularity (times the");
            Console.WriteLine($"popularity scorer's weight). The list is then re-ranked by MMR diversity (lambda {lambda}): a game too similar to one");
            Console.WriteLine("already picked moves down, so the order is MMR's, not popularity's. 'pop rank' = the game's rank by popularity alone.");
            PrintList(cold, byId, popularityRank: byPopularity);
            claims.Check(cold.All(s => s.Source is SuggestionSource.Popular or SuggestionSource.Explore), "a new player gets the cold-start list (source Popular, or Explore for an exploration slot)");
            claims.Check(cold.Where(s => s.Source == SuggestionSource.Popular).All(s => OnlyPopularity(s)), "every Popular score is the popularity scorer's contribution alone (breakdown: popularity)");
            claims.Check(IsDescending(byPopularity), "ranked by popularity alone (lambda 1.0, epsilon 0), the scores descend");
            int moved = cold.Select((s, i) => RankIn(byPopularity, s.ItemId) == i ? 0 : 1).Sum();
            Console.WriteLine($"  {moved} of the {cold.Count} games are not at their popularity rank{(IsDescending(cold) ? string.Empty : ", and the shown scores do not descend")}.");
            if (cold[0].Source == SuggestionSource.Popular)
            {
                claims.Check(cold[0].ItemId == byPopularity[0].ItemId, "MMR's first pick is the most popular game (nothing picked yet to be similar to)");
            }

            // 2. One session.
            Heading("2. One session, then a personalized shelf");
            now = start.AddHours(1);
            string farming = items.First(i => Genre(i) == "farming").Id;
            string novel = items.First(i => Genre(i) == "visual-novel").Id;
            farming2 = items.Where(i => Genre(i) == "farming").Skip(1).First().Id;
            string shooter = items.First(i => Genre(i) == "shooter").Id;
            Record(engine, new Interaction(Player, farming, InteractionKind.Click, timestamp: now));
            Record(engine, new Interaction(Player, farming, InteractionKind.Play, 25 * 60, now.AddMinutes(1)));
            Record(engine, new Interaction(Player, novel, InteractionKind.Like, timestamp: now.AddMinutes(30)));
            Record(engine, new Interaction(Player, farming2, InteractionKind.Purchase, timestamp: now.AddMinutes(32)));
            Record(engine, new Interaction(Player, shooter, InteractionKind.Skip, timestamp: now.AddMinutes(33)));
            now = now.AddMinutes(34);
            var profile = engine.GetProfile(Player)!;
            Console.WriteLine($"profile:  {profile.InteractionCount} interactions, taste = {GameCatalog.Describe(profile.Vector)}");

            // Peeks (MarkShown = false change nothing) for section 3, taken before the shelf is shown so they describe the same state.
            var relevance = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, Epsilon = 0, Diversity = 1, MarkShown = false });
            var diverse = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, Epsilon = 0, MarkShown = false });

            shelf = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize });
            Console.WriteLine($"{Player}'s shelf (engine defaults; shown, so the engine remembers it):");
            PrintList(shelf, byId);
            var top = shelf[0];
            Console.WriteLine($"  why #1 ({GameCatalog.Title(top.ItemId)}): {Breakdown(top)}");
            claims.Check(Math.Abs(top.Breakdown!.Sum(c => c.Contribution) - top.Score) < 1e-4, "the breakdown of #1 sums to its score");
            claims.Check(shelf.All(s => s.ItemId != farming2), $"the purchased game ({GameCatalog.Title(farming2)}) is not offered again");
            claims.Check(shelf.Any(s => s.Source == SuggestionSource.Personalized), "after one session the shelf is Personalized (scored against the player's taste)");
            var greedyPart = shelf.Where(s => s.Source != SuggestionSource.Explore).Select(s => s.ItemId).ToList();
            claims.Check(greedyPart.SequenceEqual(diverse.Take(greedyPart.Count).Select(s => s.ItemId)),
                "the shelf's non-Explore games are, in order, the MMR list of section 3 (exploration slots only replace slots)");

            // 3. Diversity.
            Heading("3. Diversity: the same player and state, pure relevance vs the default MMR lambda (epsilon 0 for both)");
            Console.WriteLine($"  {"lambda 1.0 (pure relevance)",-42} lambda {lambda} (default)");
            for (int i = 0; i < Math.Max(relevance.Count, diverse.Count); i++)
            {
                string a = i < relevance.Count ? $"{GameCatalog.Title(relevance[i].ItemId)} ({Genre(byId[relevance[i].ItemId])})" : string.Empty;
                string b = i < diverse.Count ? $"{GameCatalog.Title(diverse[i].ItemId)} ({Genre(byId[diverse[i].ItemId])})" : string.Empty;
                Console.WriteLine($"  {i + 1,2}. {a,-38} {b}");
            }

            int tagsRelevance = DistinctTags(relevance, byId), tagsDiverse = DistinctTags(diverse, byId);
            int genresRelevance = relevance.Select(s => Genre(byId[s.ItemId])).Distinct().Count();
            int genresDiverse = diverse.Select(s => Genre(byId[s.ItemId])).Distinct().Count();
            Console.WriteLine($"  distinct tags: {tagsRelevance} at lambda 1.0, {tagsDiverse} at lambda {lambda}; distinct genres: {genresRelevance} vs {genresDiverse}");
            if (genresDiverse <= genresRelevance)
            {
                // Say what it would take on this catalog, measured here, instead of implying the default diversifies it.
                double minCos = MinPairwiseCosine(diverse, byId);
                Console.WriteLine($"  The default list's games are near-identical (every pair's cosine >= {minCos:0.00}), and MMR only trades relevance");
                Console.WriteLine("  against similarity to the games already picked:");
                for (int step = 1; step <= 9; step++)
                {
                    double l = Math.Round(policy.Diversity - (0.1 * step), 2);
                    if (l < 0.05)
                    {
                        break;
                    }

                    var lower = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, Epsilon = 0, Diversity = l, MarkShown = false });
                    int g = lower.Select(x => Genre(byId[x.ItemId])).Distinct().Count();
                    if (g > genresDiverse)
                    {
                        Console.WriteLine($"  the first lower lambda (in steps of 0.1) that adds a genre is {Num(l, "0.0#")}: {g} genres, {DistinctTags(lower, byId)} distinct tags");
                        Console.WriteLine($"  ({string.Join(", ", lower.Select(x => Genre(byId[x.ItemId])).Distinct())}). Why the default stays higher: docs/policy.md.");
                        break;
                    }
                }
            }

            claims.Check(IsDescending(relevance), "at lambda 1.0 the list is in descending score order (no diversity)");
            claims.Check(tagsDiverse >= tagsRelevance, $"the default lambda shows at least as many distinct tags as pure relevance ({tagsDiverse} >= {tagsRelevance})");

            // 4. Exploration.
            const double epsilon = 0.3;
            Heading($"4. Exploration: epsilon {Num(epsilon, "0.0")} for one call (default {Num(policy.Epsilon, "0.0#")}), peeked with a fixed seed");
            var greedy = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, Epsilon = 0, MarkShown = false });
            int seed = 0;
            IReadOnlyList<Suggestion> explored = Array.Empty<Suggestion>();
            for (int s = 1; s <= 100 && !explored.Any(x => x.Source == SuggestionSource.Explore); s++)
            {
                seed = s;
                explored = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, Epsilon = epsilon, Seed = s, MarkShown = false });
            }

            double anyExplore = 1 - Math.Pow(1 - epsilon, ShelfSize);
            Console.WriteLine($"Each slot explores with probability {Num(epsilon, "0.0")}, so a list of {ShelfSize} has an Explore slot with probability {anyExplore:0.00}; seed {seed} is");
            Console.WriteLine("the first seed from 1 whose list has one. Propensity = the probability of that pick in that slot (for off-policy evaluation).");
            PrintList(explored, byId, propensity: true);
            var ex = explored.FirstOrDefault(x => x.Source == SuggestionSource.Explore);
            claims.Check(ex.ItemId is not null, $"seed {seed} with epsilon {Num(epsilon, "0.0")} produces an Explore slot");
            if (ex.ItemId is not null)
            {
                Console.WriteLine($"  Explore slot: {GameCatalog.Title(ex.ItemId)} ({Genre(byId[ex.ItemId])}), propensity {ex.Propensity:0.0000} = epsilon x its share of the exploration pool's weight");
                claims.Check(ex.Propensity > 0 && ex.Propensity < epsilon, $"its propensity {ex.Propensity:0.0000} is between 0 and epsilon {Num(epsilon, "0.0")}");
                claims.Check(greedy.All(g => g.ItemId != ex.ItemId), "the explored game is not in the greedy list (epsilon 0) of the same state");
            }

            claims.Check(explored.Where(x => x.Source != SuggestionSource.Explore).All(x => Math.Abs(x.Propensity - (1 - epsilon)) < 1e-9),
                $"every greedy slot reports propensity 1 - epsilon = {Num(1 - epsilon, "0.0")}");
            var again = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, Epsilon = epsilon, Seed = seed, MarkShown = false });
            claims.Check(Same(explored, again), "the same seed gives the same list again");

            // 5. Reopen: what an engine that never closed would show next, then close.
            nextIfNeverClosed = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize, MarkShown = false });
            coldPeekOfNewcomer = engine.Suggest("player-2", new SuggestOptions { Count = ShelfSize, MarkShown = false });
            profileBeforeClose = engine.GetProfile(Player)!;
            engine.Flush();
        }

        Heading("5. Close the engine, reopen the file");
        using (var engine = RecoEngine.Open(options))
        {
            var profile = engine.GetProfile(Player)!;
            Console.WriteLine($"reopened: {engine.ItemCount} games, {engine.UserCount} players; {Player}: {profile.InteractionCount} interactions, taste = {GameCatalog.Describe(profile.Vector)}");
            claims.Check(profile.InteractionCount == profileBeforeClose.InteractionCount && profile.Vector.SequenceEqual(profileBeforeClose.Vector),
                "the profile survives: same interaction count, bit-identical taste vector");
            claims.Check(Same(engine.Suggest("player-2", new SuggestOptions { Count = ShelfSize, MarkShown = false }), coldPeekOfNewcomer),
                "popularity survives: a new player (player-2) gets the same cold-start list as before closing");
            // Peek wide (epsilon 0, nothing remembered) to see the recent-list penalty on the first shelf's games after the reopen.
            var wide = engine.Suggest(Player, new SuggestOptions { Count = 60, Epsilon = 0, MarkShown = false });
            var firstShelfInWide = wide.Where(s => shelf.Any(f => f.ItemId == s.ItemId)).ToList();
            var reopened = engine.Suggest(Player, new SuggestOptions { Count = ShelfSize });
            Console.WriteLine($"{Player}'s next shelf: the one an engine that never closed would have shown next (peeked before closing), and the one");
            Console.WriteLine("the reopened engine shows; beside them the first shelf of section 2:");
            Console.WriteLine($"  {"never closed, next",-30} {"reopened",-30} {"first shelf (section 2)",-30}");
            for (int i = 0; i < ShelfSize; i++)
            {
                Console.WriteLine($"  {i + 1,2}. {Cell(nextIfNeverClosed, i),-26} {Cell(reopened, i),-30} {Cell(shelf, i),-30}");
            }

            claims.Check(Same(reopened, nextIfNeverClosed), "the reopened engine shows exactly the list the never-closed engine would have shown next (ids, sources, scores, propensities)");
            int repeated = reopened.Count(s => shelf.Any(f => f.ItemId == s.ItemId));
            Console.WriteLine($"It differs from the first shelf on purpose: the engine remembers the player's last {policy.RecentLists} lists (with the profile, in the file),");
            Console.WriteLine($"demotes their games by {Num(policy.RecentListPenalty, "0.0#")} ('policy:recent' in the breakdown) so the player sees new games, and the player's");
            Console.WriteLine($"random stream moved on; {repeated} of the first shelf's {shelf.Count} games are still on it.");
            claims.Check(!Same(reopened, shelf), "the next shelf differs from the first shelf");
            claims.Check(firstShelfInWide.Count > 0 && firstShelfInWide.All(s => s.Breakdown!.Any(c => c.Scorer == "policy:recent" && Math.Abs(c.Contribution + policy.RecentListPenalty) < 1e-4)),
                $"the recent-list memory survived: the {firstShelfInWide.Count} first-shelf games among the player's top {wide.Count} after reopening all carry policy:recent -{Num(policy.RecentListPenalty, "0.0#")}");
            claims.Check(reopened.All(s => s.ItemId != farming2), "the purchase survives: the purchased game is still not offered");
        }

        Console.WriteLine();
        Console.WriteLine($"done in {sw.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; the database stays at {path}");
        if (claims.Failed > 0)
        {
            Console.WriteLine($"self-checks: {claims.Failed} of {claims.Count} FALSE");
            return 3;
        }

        Console.WriteLine($"self-checks: {claims.Count} of {claims.Count} true; {AllChecksPassed}");
        return 0;
    }

    private static string Genre(ItemDefinition item) => item.Tags[0];

    private static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Heading(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
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

    private static void PrintList(IReadOnlyList<Suggestion> list, Dictionary<string, ItemDefinition> byId, IReadOnlyList<Suggestion>? popularityRank = null, bool propensity = false)
    {
        for (int i = 0; i < list.Count; i++)
        {
            var s = list[i];
            string extra = string.Empty;
            if (popularityRank is not null)
            {
                int rank = RankIn(popularityRank, s.ItemId);
                extra = rank < 0 ? "  pop rank >" + popularityRank.Count : $"  pop rank {rank + 1,2}";
            }

            if (propensity)
            {
                extra = $"  propensity {s.Propensity.ToString("0.0000", CultureInfo.InvariantCulture)}";
            }

            Console.WriteLine($"  {i + 1,2}. {GameCatalog.Title(s.ItemId),-18} {s.ItemId,-18} {string.Join(",", byId[s.ItemId].Tags.Take(2)),-24} {s.Source,-12} score {s.Score.ToString("0.000", CultureInfo.InvariantCulture)}{extra}");
        }
    }

    private static string Cell(IReadOnlyList<Suggestion> list, int i) =>
        i < list.Count ? $"{GameCatalog.Title(list[i].ItemId)}{(list[i].Source == SuggestionSource.Explore ? " (explore)" : string.Empty)}" : string.Empty;

    private static string Breakdown(Suggestion s) =>
        string.Join(" + ", s.Breakdown!.Where(c => c.Contribution != 0).Select(c => $"{c.Scorer} {c.Contribution.ToString("0.000", CultureInfo.InvariantCulture)}"))
            .Replace("+ policy:recent -", "- policy:recent ", StringComparison.Ordinal)
        + $" = {s.Score.ToString("0.000", CultureInfo.InvariantCulture)}";

    private static bool OnlyPopularity(Suggestion s) =>
        s.Breakdown is { } b && b.Where(c => c.Contribution != 0).All(c => c.Scorer == "popularity") && Math.Abs(b.Sum(c => c.Contribution) - s.Score) < 1e-4;

    private static int RankIn(IReadOnlyList<Suggestion> list, string id)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].ItemId == id)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsDescending(IReadOnlyList<Suggestion> list)
    {
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Score > list[i - 1].Score)
            {
                return false;
            }
        }

        return true;
    }

    private static double MinPairwiseCosine(IReadOnlyList<Suggestion> list, Dictionary<string, ItemDefinition> byId)
    {
        double min = 1;
        for (int i = 0; i < list.Count; i++)
        {
            for (int j = i + 1; j < list.Count; j++)
            {
                var a = byId[list[i].ItemId].Features.Span;
                var b = byId[list[j].ItemId].Features.Span;
                double dot = 0, na = 0, nb = 0;
                for (int d = 0; d < a.Length; d++)
                {
                    dot += a[d] * (double)b[d];
                    na += a[d] * (double)a[d];
                    nb += b[d] * (double)b[d];
                }

                min = Math.Min(min, dot / Math.Sqrt(na * nb));
            }
        }

        return min;
    }

    private static int DistinctTags(IReadOnlyList<Suggestion> list, Dictionary<string, ItemDefinition> byId) =>
        list.SelectMany(s => byId[s.ItemId].Tags).Distinct(StringComparer.Ordinal).Count();

    private static bool Same(IReadOnlyList<Suggestion> a, IReadOnlyList<Suggestion> b) => a.SequenceEqual(b);

    /// <summary>Prints each claim with its verdict and counts the false ones.</summary>
    private sealed class Claims
    {
        public int Count { get; private set; }

        public int Failed { get; private set; }

        public void Check(bool holds, string claim)
        {
            Count++;
            Failed += holds ? 0 : 1;
            Console.WriteLine($"  [{(holds ? "ok" : "FALSE")}] {claim}");
        }
    }
}
