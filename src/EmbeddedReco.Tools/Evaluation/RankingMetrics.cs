using System;
using System.Collections.Generic;

namespace EmbeddedReco.Evaluation;

/// <summary>
/// Top-K ranking metrics for one user with binary relevance. Only the first K entries of the ranked list count; a relevant set
/// of size zero gives 0 for every metric (the evaluator skips such users).
/// </summary>
public static class RankingMetrics
{
    /// <summary>NDCG@K: Σ over hits at rank r (1-based) of 1/log2(r + 1), divided by the ideal DCG over min(|relevant|, K) hits.</summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="relevant">The relevant ids.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>A value in [0, 1].</returns>
    public static double Ndcg(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        Check(ranked, relevant, k);
        if (relevant.Count == 0)
        {
            return 0;
        }

        double dcg = 0;
        int n = Math.Min(k, ranked.Count);
        for (int r = 0; r < n; r++)
        {
            if (Contains(relevant, ranked[r]))
            {
                dcg += 1.0 / Log2(r + 2);
            }
        }

        double idcg = 0;
        int ideal = Math.Min(k, relevant.Count);
        for (int r = 0; r < ideal; r++)
        {
            idcg += 1.0 / Log2(r + 2);
        }

        return dcg / idcg;
    }

    /// <summary>Precision@K: hits in the first K divided by K (not by the list length).</summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="relevant">The relevant ids.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>A value in [0, 1].</returns>
    public static double Precision(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        Check(ranked, relevant, k);
        return relevant.Count == 0 ? 0 : (double)Hits(ranked, relevant, k) / k;
    }

    /// <summary>Recall@K: hits in the first K divided by the number of relevant items.</summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="relevant">The relevant ids.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>A value in [0, 1].</returns>
    public static double Recall(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        Check(ranked, relevant, k);
        return relevant.Count == 0 ? 0 : (double)Hits(ranked, relevant, k) / relevant.Count;
    }

    /// <summary>AP@K (averaged over users it is MAP@K): Σ over hits at rank r of precision@r, divided by min(|relevant|, K).</summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="relevant">The relevant ids.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>A value in [0, 1].</returns>
    public static double AveragePrecision(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        Check(ranked, relevant, k);
        if (relevant.Count == 0)
        {
            return 0;
        }

        double sum = 0;
        int hits = 0;
        int n = Math.Min(k, ranked.Count);
        for (int r = 0; r < n; r++)
        {
            if (Contains(relevant, ranked[r]))
            {
                hits++;
                sum += (double)hits / (r + 1);
            }
        }

        return sum / Math.Min(k, relevant.Count);
    }

    /// <summary>HitRate@K: 1 when at least one of the first K is relevant, else 0.</summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="relevant">The relevant ids.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>0 or 1.</returns>
    public static double HitRate(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        Check(ranked, relevant, k);
        return Hits(ranked, relevant, k) > 0 ? 1 : 0;
    }

    /// <summary>Reciprocal rank@K: 1 / (1-based rank of the first relevant item in the first K), 0 when none.</summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="relevant">The relevant ids.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>A value in [0, 1].</returns>
    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        Check(ranked, relevant, k);
        int n = Math.Min(k, ranked.Count);
        for (int r = 0; r < n; r++)
        {
            if (Contains(relevant, ranked[r]))
            {
                return 1.0 / (r + 1);
            }
        }

        return 0;
    }

    /// <summary>
    /// Intra-list diversity: the mean cosine distance (1 - cosine) over all pairs of the first K items that have a non-zero vector.
    /// </summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="vectors">Item feature vectors; items missing from it (or all zero) are skipped.</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>The mean pairwise distance in [0, 2], or NaN when fewer than two items have vectors.</returns>
    public static double IntraListDiversity(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, ReadOnlyMemory<float>> vectors, int k)
    {
        if (ranked is null)
        {
            throw new ArgumentNullException(nameof(ranked));
        }

        if (vectors is null)
        {
            throw new ArgumentNullException(nameof(vectors));
        }

        CheckK(k);
        var rows = new List<ReadOnlyMemory<float>>();
        for (int r = 0; r < Math.Min(k, ranked.Count); r++)
        {
            if (vectors.TryGetValue(ranked[r], out var v) && Norm(v.Span) > 0)
            {
                rows.Add(v);
            }
        }

        if (rows.Count < 2)
        {
            return double.NaN;
        }

        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < rows.Count; a++)
        {
            for (int b = a + 1; b < rows.Count; b++)
            {
                sum += 1 - Cosine(rows[a].Span, rows[b].Span);
                pairs++;
            }
        }

        return sum / pairs;
    }

    /// <summary>
    /// Novelty: the mean self-information -log2(p) of the first K items, where p = max(1, popularity) / users, popularity being the
    /// number of training users who interacted with the item.
    /// </summary>
    /// <param name="ranked">Recommended ids, best first.</param>
    /// <param name="popularity">Distinct training users per item.</param>
    /// <param name="users">Number of training users (at least 1).</param>
    /// <param name="k">The cut-off K (at least 1).</param>
    /// <returns>Mean bits per recommended item; 0 for an empty list.</returns>
    public static double Novelty(IReadOnlyList<string> ranked, Func<string, int> popularity, int users, int k)
    {
        if (ranked is null)
        {
            throw new ArgumentNullException(nameof(ranked));
        }

        if (popularity is null)
        {
            throw new ArgumentNullException(nameof(popularity));
        }

        if (users < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(users), users, "The number of users must be at least 1.");
        }

        CheckK(k);
        int n = Math.Min(k, ranked.Count);
        if (n == 0)
        {
            return 0;
        }

        double sum = 0;
        for (int r = 0; r < n; r++)
        {
            double p = Math.Min(1.0, Math.Max(1, popularity(ranked[r])) / (double)users);
            sum -= Log2(p);
        }

        return sum / n;
    }

    private static int Hits(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        int hits = 0;
        int n = Math.Min(k, ranked.Count);
        for (int r = 0; r < n; r++)
        {
            if (Contains(relevant, ranked[r]))
            {
                hits++;
            }
        }

        return hits;
    }

    private static bool Contains(IReadOnlyCollection<string> set, string id) => set switch
    {
        HashSet<string> h => h.Contains(id),
        ICollection<string> c => c.Contains(id),
        _ => System.Linq.Enumerable.Contains(set, id, StringComparer.Ordinal),
    };

    private static double Log2(double x) => Math.Log(x) / Math.Log(2);

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v)
        {
            s += (double)x * x;
        }

        return Math.Sqrt(s);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Item vectors have different lengths ({a.Length} and {b.Length}).");
        }

        double dot = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
        }

        return dot / (Norm(a) * Norm(b));
    }

    private static void Check(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        if (ranked is null)
        {
            throw new ArgumentNullException(nameof(ranked));
        }

        if (relevant is null)
        {
            throw new ArgumentNullException(nameof(relevant));
        }

        CheckK(k);
    }

    private static void CheckK(int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "K must be at least 1.");
        }
    }
}
