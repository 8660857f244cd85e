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
            var rec = list[r];
            var sw = Stopwatch.StartNew();
            rec.Train(train, cancellationToken);
            double trainSeconds = sw.Elapsed.TotalSeconds;
            double ndcg = 0, precision = 0, recall = 0, map = 0, hit = 0, mrr = 0, novelty = 0, diversity = 0;
            int diversityLists = 0;
            var recommended = new HashSet<string>(StringComparer.Ordinal);
            var clean = new List<string>(k);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            sw.Restart();
            for (int u = 0; u < users.Length; u++)
            {
                if ((u & 63) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report((r + ((double)u / users.Length)) / list.Count);
                }

                string user = users[u];
                var raw = rec.Recommend(user, k) ?? Array.Empty<string>();
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

                var rel = relevant[user];
                ndcg += RankingMetrics.Ndcg(clean, rel, k);
                precision += RankingMetrics.Precision(clean, rel, k);
                recall += RankingMetrics.Recall(clean, rel, k);
                map += RankingMetrics.AveragePrecision(clean, rel, k);
                hit += RankingMetrics.HitRate(clean, rel, k);
                mrr += RankingMetrics.ReciprocalRank(clean, rel, k);
                novelty += RankingMetrics.Novelty(clean, train.Popularity, trainUsers, k);
                if (options.ItemVectors != null)
                {
                    double d = RankingMetrics.IntraListDiversity(clean, options.ItemVectors, k);
                    if (!double.IsNaN(d))
                    {
                        diversity += d;
                        diversityLists++;
                    }
                }

                foreach (var item in clean)
                {
                    recommended.Add(item);
                }
            }

            double recommendSeconds = sw.Elapsed.TotalSeconds;
            double n = Math.Max(1, users.Length);
            results.Add(new RecommenderResult(
                rec.Name,
                ndcg / n,
                precision / n,
                recall / n,
                map / n,
                hit / n,
                mrr / n,
                train.ItemIds.Count == 0 ? 0 : (double)recommended.Count / train.ItemIds.Count,
                diversityLists == 0 ? null : diversity / diversityLists,
                novelty / n,
                trainSeconds,
                users.Length == 0 ? 0 : recommendSeconds * 1000 / users.Length));
        }

        progress?.Report(1.0);
        return new EvaluationReport(k, users.Length, split.Train.Count, split.Test.Count, train.ItemIds.Count, results);
    }
}
