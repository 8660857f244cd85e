using EmbeddedReco.Import;
using EmbeddedReco.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EmbeddedReco.Tests.Scoring;

/// <summary>
/// The int8 scan's promise (<see cref="ScoringPrecision.Int8"/>): the lists it returns match an exact float32 ranking. Two engines
/// with the same catalog and the same players, one per precision; top-10 overlap averaged over every player must be at least
/// 0.995 (recall@10 against float32), on random data and on the MovieLens genre vectors; where the lists are the same, every
/// score is within the documented 1e-3 of its float32 value.
/// </summary>
public sealed class Int8ExactnessTests
{
    private readonly ITestOutputHelper _output;

    public Int8ExactnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Suggest_Int8OnRandomCatalog_Top10MatchesFloat32()
    {
        var items = TestCatalog.Random(20_000, 64, seed: 5);
        var rng = new Random(3);
        var interactions = new List<Interaction>();
        for (int p = 0; p < 300; p++)
        {
            for (int k = 0; k < 2 + (p % 5); k++)
            {
                interactions.Add(new Interaction($"p{p:D3}", items[rng.Next(items.Count)].Id, k % 3 == 0 ? InteractionKind.Purchase : InteractionKind.Click));
            }
        }

        var (recall, identical) = Compare(64, items, interactions, 300);

        Assert.True(recall >= 0.995, $"recall@10 of int8 against float32: {recall:0.0000}");
        Assert.True(identical >= 0.95, $"identical lists: {identical:P1}");
    }

    [MovieLensFact]
    public void Suggest_Int8OnMovieLensGenres_Top10MatchesFloat32()
    {
        string folder = Evaluation.MovieLensQualityTests.FindMovieLens()!;
        var movies = ItemFeatureReader.ReadMovieLensMoviesFile(Path.Combine(folder, "movies.csv"));
        var ratings = new List<Interaction>();
        InteractionReader.ReadFile(Path.Combine(folder, "ratings.csv"), ratings.Add);
        var players = ratings.Select(r => r.UserId).Distinct().Take(300).ToHashSet();
        var known = movies.Items.Select(i => i.Id).ToHashSet();
        var interactions = ratings.Where(r => players.Contains(r.UserId) && known.Contains(r.ItemId)).ToList();

        var (recall, identical) = Compare(movies.FeatureNames.Count, movies.Items, interactions, players.Count);

        Assert.True(recall >= 0.995, $"recall@10 of int8 against float32: {recall:0.0000}");
        Assert.True(identical >= 0.95, $"identical lists: {identical:P1}");
    }

    /// <summary>Mean top-10 overlap and the share of identical lists (ids and order), over every player, defaults and pure relevance.</summary>
    private (double Recall, double Identical) Compare(int dimensions, IReadOnlyList<ItemDefinition> items, List<Interaction> interactions, int players)
    {
        using var int8 = Open(dimensions, ScoringPrecision.Int8);
        using var float32 = Open(dimensions, ScoringPrecision.Float32);
        foreach (var engine in new[] { int8, float32 })
        {
            engine.UpsertItems(items);
            foreach (var interaction in interactions)
            {
                engine.Record(interaction);
            }
        }

        var users = interactions.Select(i => i.UserId).Distinct().ToList();
        var calls = new[]
        {
            new SuggestOptions { Count = 10, Epsilon = 0, Diversity = 1, MarkShown = false, Seed = 1 },
            new SuggestOptions { Count = 10, MarkShown = false, Seed = 1 }, // the engine's default policy (exploration, MMR)
        };
        double overlap = 0, maxScoreGap = 0;
        int same = 0, lists = 0;
        foreach (var call in calls)
        {
            foreach (string user in users)
            {
                var listA = int8.Suggest(user, call);
                var listB = float32.Suggest(user, call);
                var a = listA.Select(s => s.ItemId).ToList();
                var b = listB.Select(s => s.ItemId).ToList();
                Assert.Equal(b.Count, a.Count);
                if (a.SequenceEqual(b))
                {
                    for (int i = 0; i < a.Count; i++)
                    {
                        maxScoreGap = Math.Max(maxScoreGap, Math.Abs(listA[i].Score - listB[i].Score));
                    }
                }

                overlap += b.Count == 0 ? 1 : (double)a.Intersect(b).Count() / b.Count;
                same += a.SequenceEqual(b) ? 1 : 0;
                lists++;
            }
        }

        double recall = overlap / lists, identical = (double)same / lists;
        _output.WriteLine($"{items.Count} items x {dimensions} dims, {users.Count} players, {lists} lists: recall@10 {recall:0.0000}, identical lists {identical:P1}, largest score gap {maxScoreGap:E2}");
        Assert.True(maxScoreGap < 1e-3, $"a score differs from float32 by {maxScoreGap} (documented: less than 1e-3)");
        Assert.Equal(players, users.Count);
        return (recall, identical);
    }

    private static RecoEngine Open(int dimensions, ScoringPrecision precision)
    {
        var options = TestCatalog.Options(dimensions: dimensions, pure: false);
        options.Precision = precision;
        return RecoEngine.Open(options);
    }
}
