using EmbeddedReco.Simulation;

namespace EmbeddedReco.Tests.Simulation;

public sealed class PlayerSimulatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generate_Defaults_ThreeHundredItemsOverGenreAxes()
    {
        var catalog = GameCatalog.Generate();

        Assert.Equal(300, catalog.Items.Count);
        Assert.Equal(12, GameCatalog.Dimensions);
        Assert.Contains("cozy", GameCatalog.Genres);
        foreach (var item in catalog.Items)
        {
            Assert.Equal(GameCatalog.Dimensions, item.Features.Count);
            Assert.All(item.Features, f => Assert.True(f >= 0 && float.IsFinite(f)));
            Assert.Equal(GameCatalog.Genres[item.Genre], item.Tags[0]);
            Assert.Contains(item.Price == 0 ? "free" : "premium", item.Tags);
            Assert.Equal(item.Features.Count, item.ToDefinition().Features.Length);
        }

        Assert.True(catalog.TryGet("game-0042", out var found));
        Assert.Equal(42, found.Index);
    }

    [Fact]
    public void Generate_SameSeed_Identical_OtherSeed_Different()
    {
        var a = GameCatalog.Generate(200, seed: 5);
        var b = GameCatalog.Generate(200, seed: 5);
        var c = GameCatalog.Generate(200, seed: 6);

        Assert.Equal(a.Items.Select(Describe), b.Items.Select(Describe));
        Assert.NotEqual(a.Items.Select(Describe), c.Items.Select(Describe));
    }

    [Fact]
    public void GenerateClustered_SameSeed_DeterministicOneGenrePerItemNearIdenticalVectors()
    {
        var a = GameCatalog.GenerateClustered(120, seed: 5);
        var b = GameCatalog.GenerateClustered(120, seed: 5);

        Assert.Equal(a.Items.Select(Describe), b.Items.Select(Describe));
        Assert.Equal(GameCatalog.Dimensions, a.Items.Select(i => i.Genre).Distinct().Count());
        Assert.All(a.Items, i => Assert.Null(i.SecondGenre));
        Assert.All(a.Items, i => Assert.Equal(new[] { GameCatalog.Genres[i.Genre] }, i.Tags.Where(t => GameCatalog.Genres.Contains(t))));
        foreach (var group in a.Items.GroupBy(i => i.Genre))
        {
            var first = group.First();
            Assert.All(group, i => Assert.True(Cosine(first.Features, i.Features) > 0.98, $"{i.Id} vs {first.Id}"));
        }
    }

    [Fact]
    public void Respond_SameSeedSameLists_SameInteractions()
    {
        Assert.Equal(RunFixedLists(seed: 11), RunFixedLists(seed: 11));
        Assert.NotEqual(RunFixedLists(seed: 11), RunFixedLists(seed: 12));
    }

    [Fact]
    public void Respond_SuggestionSpanAndIdList_SameBehaviour()
    {
        var catalog = GameCatalog.Generate(100, seed: 3);
        var p1 = PlayerPopulation.Create(catalog, 1, seed: 9).Players[0];
        var p2 = PlayerPopulation.Create(catalog, 1, seed: 9).Players[0];
        var ids = catalog.Items.Take(8).Select(i => i.Id).ToArray();
        var suggestions = ids.Select(id => new Suggestion(id, 1, SuggestionSource.Personalized, 1)).ToArray();
        var out1 = new List<Interaction>();
        var out2 = new List<Interaction>();
        for (int v = 0; v < 20; v++)
        {
            p1.Respond(suggestions, Start, out1);
            p2.Respond(ids, Start, out2);
        }

        Assert.Equal(out1, out2);
    }

    [Fact]
    public void Respond_Visit_ImpressionPerShownItemAndAtMostOneClick()
    {
        var catalog = GameCatalog.Generate(100, seed: 3);
        var player = PlayerPopulation.Create(catalog, 1, seed: 4).Players[0];
        var shown = catalog.Items.Take(10).Select(i => i.Id).ToArray();
        var output = new List<Interaction>();

        int added = player.Respond(shown, Start, output);

        Assert.Equal(added, output.Count);
        Assert.Equal(10, output.Count(i => i.Kind == InteractionKind.Impression));
        Assert.InRange(output.Count(i => i.Kind == InteractionKind.Click), 0, 1);
        Assert.All(output, i => Assert.Equal(Start, i.Timestamp));
        Assert.All(output, i => Assert.Equal(player.Id, i.UserId));
    }

    [Fact]
    public void Appeal_AfterPlayingManyItemsOfOneGenre_DropsForThatGenreMore()
    {
        var catalog = GameCatalog.Generate(600, seed: 2);
        var patient = new PlayerTraits { MinVisitsBeforeChurn = int.MaxValue };
        var player = PlayerPopulation.Create(catalog, 1, seed: 1, patient).Players[0];
        int fav = player.FavouriteGenre;
        var favItems = catalog.Items.Where(i => i.Genre == fav && i.SecondGenre is null).ToList();
        var probe = favItems[0];
        int other = Enumerable.Range(0, GameCatalog.Dimensions).First(g => g != fav && player.Taste[g] < 0.2);
        var otherProbe = catalog.Items.First(i => i.Genre == other && i.SecondGenre is null);
        double before = player.Appeal(probe);
        double otherBefore = player.Appeal(otherProbe);

        // Show only (fresh) favourite-genre items: every play is new, so familiarity plays no part; satiation does.
        var output = new List<Interaction>();
        for (int v = 0; v < 30; v++)
        {
            var shown = favItems.Skip(1 + (v * 3 % (favItems.Count - 1))).Take(3).Select(i => i.Id).ToArray();
            player.Respond(shown, Start.AddMinutes(v), output);
        }

        Assert.True(player.SatiationOf(fav) > 0.2, $"satiation {player.SatiationOf(fav)}");
        double after = player.Appeal(probe);
        Assert.True(after < 0.85 * before, $"appeal of a favourite-genre item fell only from {before} to {after}");
        Assert.True(player.Appeal(otherProbe) >= otherBefore * 0.95, "satiation should not spill onto an unrelated genre");
    }

    [Fact]
    public void Appeal_SatiationWearsOff_WhenPlayerPlaysOtherThings()
    {
        var catalog = GameCatalog.Generate(600, seed: 2);
        var patient = new PlayerTraits { MinVisitsBeforeChurn = int.MaxValue };
        var player = PlayerPopulation.Create(catalog, 1, seed: 1, patient).Players[0];
        int fav = player.FavouriteGenre;
        var favItems = catalog.Items.Where(i => i.Genre == fav).ToList();
        var output = new List<Interaction>();
        for (int v = 0; v < 30; v++)
        {
            player.Respond(new[] { favItems[1 + (v % (favItems.Count - 1))].Id }, Start, output);
        }

        double satiated = player.SatiationOf(fav);
        for (int v = 0; v < 30; v++)
        {
            player.Respond(Array.Empty<string>(), Start, output); // visits without playing: satiation wears off
        }

        Assert.True(player.SatiationOf(fav) < 0.05 * satiated, $"satiation {player.SatiationOf(fav)} vs {satiated}");
    }

    [Fact]
    public void Respond_OnlyItemsPlayerDislikes_PlayerChurnsAndStopsResponding()
    {
        var catalog = GameCatalog.Generate(300, seed: 2);
        var population = PlayerPopulation.Create(catalog, 20, seed: 8);
        var output = new List<Interaction>();
        foreach (var player in population.Players)
        {
            var worst = catalog.Items.OrderBy(player.Appeal).ThenBy(i => i.Id, StringComparer.Ordinal).Take(10).Select(i => i.Id).ToArray();
            for (int v = 0; v < 40 && player.IsActive; v++)
            {
                player.Respond(worst, Start, output);
            }

            Assert.False(player.IsActive, $"{player.Id} did not churn (boredom {player.Boredom}, patience {player.Patience})");
            Assert.InRange(player.Visits, population.Traits.MinVisitsBeforeChurn, 40);
            Assert.Equal(0, player.Respond(worst, Start, output));
        }

        Assert.Equal(0, population.ActiveCount);
    }

    [Fact]
    public void Respond_OracleListsVersusSameListForever_OracleKeepsMorePlayers()
    {
        var catalog = GameCatalog.Generate(300, seed: 2);
        var oracle = PlayerPopulation.Create(catalog, 40, seed: 21);
        var stale = PlayerPopulation.Create(catalog, 40, seed: 21);
        var output = new List<Interaction>();
        double oraclePlay = 0, stalePlay = 0;
        for (int v = 0; v < 80; v++)
        {
            for (int p = 0; p < 40; p++)
            {
                var a = oracle.Players[p];
                // The oracle re-ranks by current appeal every visit (so it rotates as satiation builds).
                var best = catalog.Items.OrderByDescending(a.Appeal).ThenBy(i => i.Id, StringComparer.Ordinal).Take(10).Select(i => i.Id).ToArray();
                output.Clear();
                a.Respond(best, Start, output);
                oraclePlay += output.Where(i => i.Kind == InteractionKind.Play).Sum(i => i.Value);

                var b = stale.Players[p];
                // The stale shop shows the player's initial top 10 forever: a filter bubble.
                var fixedTop = StaleTop(catalog, p);
                output.Clear();
                b.Respond(fixedTop, Start, output);
                stalePlay += output.Where(i => i.Kind == InteractionKind.Play).Sum(i => i.Value);
            }
        }

        Assert.True(oracle.ActiveCount > stale.ActiveCount, $"active: oracle {oracle.ActiveCount}, stale {stale.ActiveCount}");
        Assert.True(oraclePlay > 1.5 * stalePlay, $"play seconds: oracle {oraclePlay}, stale {stalePlay}");
    }

    private static readonly Dictionary<int, string[]> StaleLists = new();

    private static string[] StaleTop(GameCatalog catalog, int playerIndex)
    {
        lock (StaleLists)
        {
            if (!StaleLists.TryGetValue(playerIndex, out var list))
            {
                var fresh = PlayerPopulation.Create(catalog, playerIndex + 1, seed: 21).Players[playerIndex];
                list = catalog.Items.OrderByDescending(fresh.Appeal).ThenBy(i => i.Id, StringComparer.Ordinal).Take(10).Select(i => i.Id).ToArray();
                StaleLists[playerIndex] = list;
            }

            return list;
        }
    }

    [Fact]
    public void Generate_HiddenGroups_SpreadOverAllGroupsIndependentOfGenreAndDeterministic()
    {
        var a = GameCatalog.Generate(600, seed: 4);
        var b = GameCatalog.Generate(600, seed: 4);

        Assert.Equal(a.Items.Select(i => i.HiddenGroup), b.Items.Select(i => i.HiddenGroup));
        Assert.All(a.Items, i => Assert.InRange(i.HiddenGroup, 0, GameCatalog.HiddenGroups - 1));
        Assert.All(a.Items.GroupBy(i => i.HiddenGroup), g => Assert.InRange(g.Count(), 40, 110)); // about 75 each
        // Not a function of the genre: the most common genre's items fall into every hidden group.
        int commonGenre = a.Items.GroupBy(i => i.Genre).OrderByDescending(g => g.Count()).First().Key;
        Assert.Equal(GameCatalog.HiddenGroups, a.Items.Where(i => i.Genre == commonGenre).Select(i => i.HiddenGroup).Distinct().Count());
    }

    [Fact]
    public void Respond_HiddenTasteWeightZero_SameInteractionsAsWithoutTheOption()
    {
        var catalog = GameCatalog.Generate(120, seed: 3);
        var plain = PlayerPopulation.Create(catalog, 15, seed: 3);
        var zero = PlayerPopulation.Create(catalog, 15, seed: 3, new PlayerTraits { HiddenTasteWeight = 0 });
        var tasted = PlayerPopulation.Create(catalog, 15, seed: 3, new PlayerTraits { HiddenTasteWeight = 0.5 });

        Assert.Equal(Run(plain), Run(zero));
        Assert.NotEqual(Run(plain), Run(tasted));

        List<string> Run(PlayerPopulation population)
        {
            var output = new List<Interaction>();
            for (int v = 0; v < 20; v++)
            {
                foreach (var player in population.Players)
                {
                    player.Respond(catalog.Items.Skip((v * 7) % 110).Take(10).Select(i => i.Id).ToArray(), Start.AddSeconds(v), output);
                }
            }

            return output.Select(i => i.ToString()).ToList();
        }
    }

    [Fact]
    public void Appeal_HiddenTasteWeight_ItemsOfTheFavouriteHiddenGroupAppealMoreWithinAGenre()
    {
        var catalog = GameCatalog.GenerateClustered(240, seed: 8); // one genre per item, near-identical vectors within a genre
        var player = PlayerPopulation.Create(catalog, 1, seed: 8, new PlayerTraits { HiddenTasteWeight = 0.5 }).Players[0];
        var genre = catalog.Items.Where(i => i.Genre == player.FavouriteGenre).ToList();

        double favourite = genre.Where(i => i.HiddenGroup == player.FavouriteHiddenGroup).Average(i => player.Appeal(i) - (0.15 * (i.Quality - 0.5)));
        double others = genre.Where(i => i.HiddenGroup != player.FavouriteHiddenGroup).Average(i => player.Appeal(i) - (0.15 * (i.Quality - 0.5)));

        Assert.True(favourite > others + 0.25, $"favourite hidden group {favourite:0.000} vs the rest {others:0.000}");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Create_HiddenTasteWeightOutOfRange_Throws(double weight)
    {
        var catalog = GameCatalog.Generate(10, seed: 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PlayerPopulation.Create(catalog, 2, 1, new PlayerTraits { HiddenTasteWeight = weight }));
        Assert.Contains("HiddenTasteWeight", ex.Message, StringComparison.Ordinal);
    }

    private static List<string> RunFixedLists(int seed)
    {
        var catalog = GameCatalog.Generate(120, seed: seed);
        var population = PlayerPopulation.Create(catalog, 15, seed: seed);
        var output = new List<Interaction>();
        for (int v = 0; v < 30; v++)
        {
            foreach (var player in population.Players)
            {
                var shown = catalog.Items.Skip((v * 7) % 110).Take(10).Select(i => i.Id).ToArray();
                player.Respond(shown, Start.AddSeconds(v), output);
            }
        }

        return output.Select(i => i.ToString()).ToList();
    }

    private static string Describe(GameItem item) =>
        $"{item.Id} {item.Genre} {item.SecondGenre} {item.Price} {item.Quality:R} {string.Join(",", item.Features)} {string.Join(",", item.Tags)}";

    private static double Cosine(IReadOnlyList<float> x, IReadOnlyList<float> y)
    {
        double dot = 0, nx = 0, ny = 0;
        for (int d = 0; d < x.Count; d++)
        {
            dot += x[d] * (double)y[d];
            nx += x[d] * (double)x[d];
            ny += y[d] * (double)y[d];
        }

        return dot / Math.Sqrt(nx * ny);
    }
}
