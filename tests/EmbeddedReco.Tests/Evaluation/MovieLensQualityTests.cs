using System.Diagnostics;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Import;
using Xunit.Abstractions;

namespace EmbeddedReco.Tests.Evaluation;

/// <summary>
/// Quality regression on MovieLens latest-small (never copied into the repository: it is looked up beside the clone, in
/// &lt;root&gt;/../shared/data/ml-latest-small, and the test returns early when it is absent).
/// </summary>
public sealed class MovieLensQualityTests
{
    private readonly ITestOutputHelper output;

    public MovieLensQualityTests(ITestOutputHelper output) => this.output = output;

    /// <summary>The ml-latest-small folder, or null when it is not beside the repository.</summary>
    internal static string? FindMovieLens()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedReco.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent == null)
        {
            return null;
        }

        string folder = Path.Combine(dir.Parent.FullName, "shared", "data", "ml-latest-small");
        return File.Exists(Path.Combine(folder, "ratings.csv")) ? folder : null;
    }

    [Infrastructure.MovieLensFact]
    public void Ease_MovieLensStratified7525_BeatsMostPopularBySixtyPercent()
    {
        string? folder = FindMovieLens();
        if (folder == null)
        {
            output.WriteLine("Skipped: ../shared/data/ml-latest-small not found beside the repository.");
            return;
        }

        var sw = Stopwatch.StartNew();
        var ratings = new List<Interaction>();
        var import = InteractionReader.ReadFile(Path.Combine(folder, "ratings.csv"), ratings.Add);
        Assert.Equal(0, import.Malformed);
        Assert.True(ratings.Count > 100_000, $"only {ratings.Count} ratings");
        var split = DataSplit.StratifiedRandom(ratings, 0.75, seed: 42);
        var ease = new CollaborativeRecommender();

        var report = OfflineEvaluator.Evaluate(split, new[] { ease }, new EvaluationOptions { K = 10, Seed = 42 });

        output.WriteLine(report.ToTable());
        output.WriteLine($"total {sw.Elapsed.TotalSeconds:0.0} s");
        double mostPopular = report["MostPopular"]!.Ndcg;
        double collaborative = report["EASE"]!.Ndcg;
        Assert.True(collaborative >= 1.6 * mostPopular, $"EASE NDCG@10 {collaborative:0.0000} vs MostPopular {mostPopular:0.0000}");
        Assert.True(report["Random"]!.Ndcg < mostPopular);
    }
}
