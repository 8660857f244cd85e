using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace EmbeddedReco.Evaluation;

/// <summary>Recommends the items with the most distinct training users (ties by ordinal id), minus the user's training items.</summary>
internal sealed class MostPopularRecommender : IRecommenderUnderTest
{
    private TrainingSet? train;
    private string[] ranking = Array.Empty<string>();

    public string Name => "MostPopular";

    public void Train(TrainingSet train, CancellationToken cancellationToken)
    {
        this.train = train ?? throw new ArgumentNullException(nameof(train));
        ranking = train.ItemIds
            .OrderByDescending(train.Popularity)
            .ThenBy(i => i, StringComparer.Ordinal)
            .ToArray();
    }

    public IReadOnlyList<string> Recommend(string userId, int count)
    {
        var result = new List<string>(count);
        foreach (var item in ranking)
        {
            if (result.Count == count)
            {
                break;
            }

            if (!train!.Contains(userId, item))
            {
                result.Add(item);
            }
        }

        return result;
    }
}

/// <summary>Recommends uniformly random catalog items (not in the user's training items), seeded by the run seed and the user id.</summary>
internal sealed class RandomRecommender : IRecommenderUnderTest
{
    private readonly int seed;
    private TrainingSet? train;

    public RandomRecommender(int seed) => this.seed = seed;

    public string Name => "Random";

    public void Train(TrainingSet train, CancellationToken cancellationToken) => this.train = train ?? throw new ArgumentNullException(nameof(train));

    public IReadOnlyList<string> Recommend(string userId, int count)
    {
        var items = train!.ItemIds;
        var rng = new Random(seed ^ DataSplit.StableHash(userId));
        var chosen = new HashSet<int>();
        var result = new List<string>(count);
        int available = items.Count - train.ItemsOf(userId).Count;
        int attempts = 0;
        while (result.Count < Math.Min(count, available) && attempts < 100 * (count + 1))
        {
            attempts++;
            int i = rng.Next(items.Count);
            if (chosen.Add(i) && !train.Contains(userId, items[i]))
            {
                result.Add(items[i]);
            }
        }

        return result;
    }
}
