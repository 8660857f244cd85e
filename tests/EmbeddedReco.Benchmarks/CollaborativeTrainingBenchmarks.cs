using BenchmarkDotNet.Attributes;
using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// Training the collaborative model on ~100k synthetic interactions (1,000 users x 100, item popularity roughly Zipf over
/// 10,000 items, so a few thousand items pass the default support filter, like MovieLens latest-small). Seconds per operation,
/// so few iterations.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class CollaborativeTrainingBenchmarks
{
    private InteractionMatrix _matrix = null!;
    private string[] _ids = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_matrix, _ids) = Synthetic(users: 1_000, perUser: 100, items: 10_000, seed: 42);
    }

    [Benchmark(Baseline = true)]
    public int TrainEase() =>
        CollaborativeModel.Train(_ids, _matrix, new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.Ease }).ItemCount;

    [Benchmark]
    public int TrainItemKnn() =>
        CollaborativeModel.Train(_ids, _matrix, new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.ItemKnn }).ItemCount;

    /// <summary>Users pick items with log-uniform rank (popularity ~ 1/rank), duplicates summed.</summary>
    internal static (InteractionMatrix Matrix, string[] Ids) Synthetic(int users, int perUser, int items, int seed)
    {
        var rng = new Random(seed);
        var b = new InteractionMatrixBuilder();
        for (int i = 0; i < items; i++)
        {
            b.AddItem("item-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        }

        for (int u = 0; u < users; u++)
        {
            string user = "user-" + u.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (int k = 0; k < perUser; k++)
            {
                int rank = Math.Min(items - 1, (int)Math.Pow(items, rng.NextDouble()) - 1);
                b.Add(user, "item-" + rank.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), 1);
            }
        }

        var (m, _, ids) = b.Build();
        return (m, ids);
    }
}
