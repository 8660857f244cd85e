using System.Text.Json;
using EmbeddedReco.Evaluation;

namespace EmbeddedReco.Tests.Evaluation;

public sealed class OfflineEvaluatorTests
{
    private static Interaction I(string u, string i) => new(u, i, InteractionKind.Rating, 4);

    // Train: u1 {a,b}, u2 {a,c}, u3 {a,b,d}; popularity a=3, b=2, c=1, d=1. Test: u1 {d}, u2 {b,d}; u3 has none (skipped).
    private static DataSplit Tiny() => DataSplit.Explicit(
        new[] { I("u1", "a"), I("u1", "b"), I("u2", "a"), I("u2", "c"), I("u3", "a"), I("u3", "b"), I("u3", "d") },
        new[] { I("u1", "d"), I("u2", "b"), I("u2", "d") });

    [Fact]
    public void Evaluate_MostPopular_HandComputedMetrics()
    {
        var report = OfflineEvaluator.Evaluate(Tiny(), Array.Empty<IRecommenderUnderTest>(), new EvaluationOptions { K = 2 });

        // MostPopular: u1 gets [c, d] (hit at rank 2), u2 gets [b, d] (two hits).
        var mp = report["MostPopular"]!;
        Assert.Equal(2, report.Users);
        Assert.Equal(4, report.CatalogItems);
        Assert.Equal(((1 / Math.Log2(3)) + 1) / 2, mp.Ndcg, 12);
        Assert.Equal(0.75, mp.Precision, 12);
        Assert.Equal(1.0, mp.Recall, 12);
        Assert.Equal(0.75, mp.Map, 12);
        Assert.Equal(1.0, mp.HitRate, 12);
        Assert.Equal(0.75, mp.Mrr, 12);
        Assert.Equal(0.75, mp.Coverage, 12);
        Assert.Null(mp.Diversity);
        Assert.NotNull(report["Random"]);
    }

    [Fact]
    public void Evaluate_RecommenderReturningTrainingItemsAndDuplicates_ListCleanedBeforeScoring()
    {
        var oracle = new FixedRecommender("Oracle", new Dictionary<string, string[]>
        {
            ["u1"] = new[] { "a", "d", "d", "c" },
            ["u2"] = new[] { "b", "a", "d" },
        });

        var report = OfflineEvaluator.Evaluate(Tiny(), new[] { oracle }, new EvaluationOptions { K = 2, IncludeBaselines = false });

        Assert.Single(report.Results);
        Assert.Equal(1.0, report["Oracle"]!.Ndcg, 12);
        Assert.True(oracle.Trained);
    }

    [Fact]
    public void Evaluate_ItemVectors_DiversityReported()
    {
        var vectors = new Dictionary<string, ReadOnlyMemory<float>>
        {
            ["a"] = new float[] { 1, 0 },
            ["b"] = new float[] { 1, 0 },
            ["c"] = new float[] { 0, 1 },
            ["d"] = new float[] { 1, 0 },
        };

        var report = OfflineEvaluator.Evaluate(Tiny(), Array.Empty<IRecommenderUnderTest>(), new EvaluationOptions { K = 2, ItemVectors = vectors });

        // u1 [c, d] distance 1; u2 [b, d] distance 0.
        Assert.Equal(0.5, report["MostPopular"]!.Diversity!.Value, 12);
    }

    [Fact]
    public void ToJsonAndToTable_ContainEveryRecommender()
    {
        var report = OfflineEvaluator.Evaluate(Tiny(), new[] { new FixedRecommender("Quote\"Name", new()) }, new EvaluationOptions { K = 2 });

        using var doc = JsonDocument.Parse(report.ToJson());
        var names = doc.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToArray();
        Assert.Equal(new[] { "MostPopular", "Random", "Quote\"Name" }, names);
        Assert.Equal(2, doc.RootElement.GetProperty("k").GetInt32());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("results")[0].GetProperty("diversity").ValueKind);
        string table = report.ToTable();
        Assert.Contains("NDCG@2", table, StringComparison.Ordinal);
        Assert.Contains("MostPopular", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SameSeed_RandomBaselineDeterministic()
    {
        var a = OfflineEvaluator.Evaluate(Tiny(), Array.Empty<IRecommenderUnderTest>(), new EvaluationOptions { K = 1, Seed = 3 });
        var b = OfflineEvaluator.Evaluate(Tiny(), Array.Empty<IRecommenderUnderTest>(), new EvaluationOptions { K = 1, Seed = 3 });

        Assert.Equal(a["Random"]!.Ndcg, b["Random"]!.Ndcg);
        Assert.Equal(a["Random"]!.Coverage, b["Random"]!.Coverage);
    }

    [Fact]
    public void Evaluate_CollaborativeRecommender_RecommendsCoOccurringItem()
    {
        // Everyone who has x also has y; u9 has only x and y held out.
        var train = new List<Interaction>();
        for (int u = 0; u < 6; u++)
        {
            train.Add(I("u" + u, "x"));
            train.Add(I("u" + u, "y"));
            train.Add(I("u" + u, "pop" + (u % 2)));
        }

        train.Add(I("u9", "x"));
        var split = DataSplit.Explicit(train, new[] { I("u9", "y") });
        var rec = new CollaborativeRecommender(new CollaborativeOptions { MinItemSupport = 1, EaseLambda = 1 });

        var report = OfflineEvaluator.Evaluate(split, new[] { rec }, new EvaluationOptions { K = 1 });

        Assert.Equal("EASE", rec.Name);
        Assert.Equal(1.0, report["EASE"]!.Ndcg, 12);
    }

    private sealed class FixedRecommender : IRecommenderUnderTest
    {
        private readonly Dictionary<string, string[]> lists;

        public FixedRecommender(string name, Dictionary<string, string[]> lists)
        {
            Name = name;
            this.lists = lists;
        }

        public string Name { get; }

        public bool Trained { get; private set; }

        public void Train(TrainingSet train, CancellationToken cancellationToken) => Trained = true;

        public IReadOnlyList<string> Recommend(string userId, int count) => lists.TryGetValue(userId, out var l) ? l : Array.Empty<string>();
    }
}
