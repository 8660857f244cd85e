using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace EmbeddedReco.Evaluation;

/// <summary>Settings of an offline evaluation run.</summary>
public sealed class EvaluationOptions
{
    /// <summary>The cut-off K of every metric. Default 10. Must be at least 1.</summary>
    public int K { get; set; } = 10;

    /// <summary>Seed of the Random baseline. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Whether MostPopular and Random baselines run in the same evaluation (listed first). Default true.</summary>
    public bool IncludeBaselines { get; set; } = true;

    /// <summary>Extra recommendable items beyond the training items (e.g. every item of an items file); also the denominator of
    /// catalog coverage. Default null (training items only).</summary>
    public IEnumerable<string>? CatalogItemIds { get; set; }

    /// <summary>Item feature vectors for intra-list diversity; null (the default) leaves diversity out.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<float>>? ItemVectors { get; set; }
}

/// <summary>
/// Runs recommenders against a train/test split. Every distinct (user, item) test pair is relevant (binary relevance), except
/// items the user also has in training (those can never be recommended). Users without a relevant test item are skipped.
/// Each recommender is trained once on the training set, then asked for top-K lists of every test user; lists are cleaned
/// (training items and duplicates removed, truncated to K) before scoring. Metrics are means over test users.
/// </summary>
public static class OfflineEvaluator
{
    /// <summary>Evaluates the recommenders (and, by default, MostPopular and Random baselines) on a split.</summary>
    /// <param name="split">The data.</param>
    /// <param name="recommenders">The recommenders under test, run in order after the baselines.</param>
    /// <param name="options">Settings; null means defaults.</param>
    /// <param name="progress">Optional progress, 0..1, over recommenders and users.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The report.</returns>
    public static EvaluationReport Evaluate(
        DataSplit split,
        IEnumerable<IRecommenderUnderTest> recommenders,
        EvaluationOptions? options = null,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (split is null)
        {
            throw new ArgumentNullException(nameof(split));
        }

        if (recommenders is null)
        {
            throw new ArgumentNullException(nameof(recommenders));
        }

        options ??= new EvaluationOptions();
        if (options.K < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K, "EvaluationOptions.K must be at least 1.");
        }

        int k = options.K;
        var train = new TrainingSet(split.Train, options.CatalogItemIds);
        var relevant = RelevantTestItems(split, train);
        var users = relevant.Keys.OrderBy(u => u, StringComparer.Ordinal).ToArray();
        var list = new List<IRecommenderUnderTest>();
        if (options.IncludeBaselines)
        {
            list.Add(new MostPopularRecommender());
            list.Add(new RandomRecommender(options.Seed));
        }

        list.AddRange(recommenders.Select(r => r ?? throw new ArgumentException("A recommender is null.", nameof(recommenders))));
        var results = new List<RecommenderResult>(list.Count);
        int trainUsers = Math.Max(1, train.UserIds.Count);
        for (int r = 0; r < list.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(EvaluateOne(list[r], r, list.Count, train, relevant, users, trainUsers, options, progress, cancellationToken));
        }

        progress?.Report(1.0);
        return new EvaluationReport(k, users.Length, split.Train.Count, split.Test.Count, train.ItemIds.Count, results);
    }

    /// <summary>The relevant test items per user: distinct test pairs with both ids, minus the user's training items.</summary>
    private static Dictionary<string, HashSet<string>> RelevantTestItems(DataSplit split, TrainingSet train)
    {
        var relevant = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var x in split.Test)
        {
            if (x.UserId is null || x.ItemId is null || train.Contains(x.UserId, x.ItemId))
            {
                continue;
            }

            if (!relevant.TryGetValue(x.UserId, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                relevant.Add(x.UserId, set);
            }

            set.Add(x.ItemId);
        }

        return relevant;
    }

    /// <summary>Trains one recommender, scores its cleaned top-K list for every test user and returns its mean metrics.</summary>
    private static RecommenderResult EvaluateOne(
        IRecommenderUnderTest rec,
        int r,
        int recommenderCount,
        TrainingSet train,
        Dictionary<string, HashSet<string>> relevant,
        string[] users,
        int trainUsers,
        EvaluationOptions options,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        int k = options.K;
        var sw = Stopwatch.StartNew();
        rec.Train(train, cancellationToken);
        double trainSeconds = sw.Elapsed.TotalSeconds;
        var sums = new MetricSums();
        var recommended = new HashSet<string>(StringComparer.Ordinal);
        var clean = new List<string>(k);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        sw.Restart();
        for (int u = 0; u < users.Length; u++)
        {
            if ((u & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report((r + ((double)u / users.Length)) / recommenderCount);
            }

            string user = users[u];
            CleanList(rec.Recommend(user, k) ?? Array.Empty<string>(), user, train, k, clean, seen);
            sums.Add(clean, relevant[user], train, trainUsers, options.ItemVectors, k);
            foreach (var item in clean)
            {
                recommended.Add(item);
            }
        }

        double recommendSeconds = sw.Elapsed.TotalSeconds;
        double n = Math.Max(1, users.Length);
        return new RecommenderResult(
            rec.Name,
            sums.Ndcg / n,
            sums.Precision / n,
            sums.Recall / n,
            sums.Map / n,
            sums.Hit / n,
            sums.Mrr / n,
            train.ItemIds.Count == 0 ? 0 : (double)recommended.Count / train.ItemIds.Count,
            sums.DiversityLists == 0 ? null : sums.Diversity / sums.DiversityLists,
            sums.Novelty / n,
            trainSeconds,
            users.Length == 0 ? 0 : recommendSeconds * 1000 / users.Length);
    }

    /// <summary>Fills <paramref name="clean"/> with the first K distinct non-null items of a raw list that are not the user's training items.</summary>
    private static void CleanList(IReadOnlyList<string> raw, string user, TrainingSet train, int k, List<string> clean, HashSet<string> seen)
    {
        clean.Clear();
        seen.Clear();
        foreach (var item in raw)
        {
            if (clean.Count == k)
            {
                break;
            }

            if (item != null && seen.Add(item) && !train.Contains(user, item))
            {
                clean.Add(item);
            }
        }
    }

    /// <summary>Running sums of the per-user metrics of one recommender.</summary>
    private sealed class MetricSums
    {
        public double Ndcg;
        public double Precision;
        public double Recall;
        public double Map;
        public double Hit;
        public double Mrr;
        public double Novelty;
        public double Diversity;
        public int DiversityLists;

        /// <summary>Adds one user's cleaned list against the user's relevant items.</summary>
        public void Add(List<string> clean, HashSet<string> rel, TrainingSet train, int trainUsers, IReadOnlyDictionary<string, ReadOnlyMemory<float>>? itemVectors, int k)
        {
            Ndcg += RankingMetrics.Ndcg(clean, rel, k);
            Precision += RankingMetrics.Precision(clean, rel, k);
            Recall += RankingMetrics.Recall(clean, rel, k);
            Map += RankingMetrics.AveragePrecision(clean, rel, k);
            Hit += RankingMetrics.HitRate(clean, rel, k);
            Mrr += RankingMetrics.ReciprocalRank(clean, rel, k);
            Novelty += RankingMetrics.Novelty(clean, train.Popularity, trainUsers, k);
            if (itemVectors != null)
            {
                double d = RankingMetrics.IntraListDiversity(clean, itemVectors, k);
                if (!double.IsNaN(d))
                {
                    Diversity += d;
                    DiversityLists++;
                }
            }
        }
    }
}
