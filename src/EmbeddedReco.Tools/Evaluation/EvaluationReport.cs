using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EmbeddedReco.Evaluation;

/// <summary>The metrics of one recommender in an evaluation run (means over test users).</summary>
public sealed class RecommenderResult
{
    internal RecommenderResult(
        string name, double ndcg, double precision, double recall, double map, double hitRate, double mrr, double coverage,
        double? diversity, double novelty, double trainSeconds, double millisecondsPerUser)
    {
        Name = name;
        Ndcg = ndcg;
        Precision = precision;
        Recall = recall;
        Map = map;
        HitRate = hitRate;
        Mrr = mrr;
        Coverage = coverage;
        Diversity = diversity;
        Novelty = novelty;
        TrainSeconds = trainSeconds;
        MillisecondsPerUser = millisecondsPerUser;
    }

    /// <summary>The recommender's name.</summary>
    public string Name { get; }

    /// <summary>Mean NDCG@K.</summary>
    public double Ndcg { get; }

    /// <summary>Mean Precision@K.</summary>
    public double Precision { get; }

    /// <summary>Mean Recall@K.</summary>
    public double Recall { get; }

    /// <summary>MAP@K (mean of AP@K).</summary>
    public double Map { get; }

    /// <summary>Fraction of test users with at least one hit in the top K.</summary>
    public double HitRate { get; }

    /// <summary>Mean reciprocal rank of the first hit within the top K.</summary>
    public double Mrr { get; }

    /// <summary>Distinct recommended items divided by the catalog size.</summary>
    public double Coverage { get; }

    /// <summary>Mean intra-list diversity (cosine distance); null when no item vectors were given.</summary>
    public double? Diversity { get; }

    /// <summary>Mean novelty in bits (-log2 of the share of training users who know the item).</summary>
    public double Novelty { get; }

    /// <summary>Wall-clock training time in seconds.</summary>
    public double TrainSeconds { get; }

    /// <summary>Mean wall-clock time of one Recommend call, in milliseconds.</summary>
    public double MillisecondsPerUser { get; }
}

/// <summary>The result of <see cref="OfflineEvaluator.Evaluate"/>: one row per recommender, baselines first.</summary>
public sealed class EvaluationReport
{
    internal EvaluationReport(int k, int users, int trainInteractions, int testInteractions, int catalogItems, IReadOnlyList<RecommenderResult> results)
    {
        K = k;
        Users = users;
        TrainInteractions = trainInteractions;
        TestInteractions = testInteractions;
        CatalogItems = catalogItems;
        Results = results;
    }

    /// <summary>The cut-off K.</summary>
    public int K { get; }

    /// <summary>Number of evaluated (test) users.</summary>
    public int Users { get; }

    /// <summary>Number of training interactions.</summary>
    public int TrainInteractions { get; }

    /// <summary>Number of test interactions.</summary>
    public int TestInteractions { get; }

    /// <summary>Number of recommendable items.</summary>
    public int CatalogItems { get; }

    /// <summary>One result per recommender, in run order.</summary>
    public IReadOnlyList<RecommenderResult> Results { get; }

    /// <summary>The result of the named recommender, or null.</summary>
    /// <param name="name">The recommender's name (ordinal comparison).</param>
    /// <returns>The result or null.</returns>
    public RecommenderResult? this[string name]
    {
        get
        {
            foreach (var r in Results)
            {
                if (string.Equals(r.Name, name, StringComparison.Ordinal))
                {
                    return r;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// A fixed-width text table (invariant culture), one row per recommender, plus a header line with the data sizes. The "vs MP"
    /// column is the relative NDCG change against the MostPopular baseline (when it ran).
    /// </summary>
    /// <returns>The table.</returns>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(string.Format(c, "users={0} train={1} test={2} items={3} K={4}", Users, TrainInteractions, TestInteractions, CatalogItems, K)).Append('\n');
        int w = 12;
        foreach (var r in Results)
        {
            w = Math.Max(w, r.Name.Length + 1);
        }

        string[] heads = { "NDCG@" + K, "vs MP", "P@" + K, "R@" + K, "MAP@" + K, "HR@" + K, "MRR@" + K, "Coverage", "Diversity", "Novelty", "Train s", "ms/user" };
        double popular = this["MostPopular"]?.Ndcg ?? 0;
        sb.Append("Recommender".PadRight(w));
        foreach (var h in heads)
        {
            sb.Append(h.PadLeft(10));
        }

        sb.Append('\n');
        foreach (var r in Results)
        {
            sb.Append(r.Name.PadRight(w));
            sb.Append(r.Ndcg.ToString("0.0000", c).PadLeft(10));
            sb.Append((popular > 0 ? ((r.Ndcg / popular) - 1).ToString("+0%;-0%;0%", c) : "-").PadLeft(10));
            foreach (var v in new double?[] { r.Precision, r.Recall, r.Map, r.HitRate, r.Mrr, r.Coverage, r.Diversity })
            {
                sb.Append((v.HasValue ? v.Value.ToString("0.0000", c) : "-").PadLeft(10));
            }

            sb.Append(r.Novelty.ToString("0.00", c).PadLeft(10));
            sb.Append(r.TrainSeconds.ToString("0.00", c).PadLeft(10));
            sb.Append(r.MillisecondsPerUser.ToString("0.000", c).PadLeft(10));
            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The report as JSON (camelCase names; diversity is null when not measured).</summary>
    /// <returns>A JSON object.</returns>
    public string ToJson()
    {
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append("  \"k\": ").Append(Num(K)).Append(",\n");
        sb.Append("  \"users\": ").Append(Num(Users)).Append(",\n");
        sb.Append("  \"trainInteractions\": ").Append(Num(TrainInteractions)).Append(",\n");
        sb.Append("  \"testInteractions\": ").Append(Num(TestInteractions)).Append(",\n");
        sb.Append("  \"catalogItems\": ").Append(Num(CatalogItems)).Append(",\n");
        sb.Append("  \"results\": [");
        for (int i = 0; i < Results.Count; i++)
        {
            var r = Results[i];
            sb.Append(i == 0 ? "\n" : ",\n");
            sb.Append("    { \"name\": ").Append(Str(r.Name))
                .Append(", \"ndcg\": ").Append(Num(r.Ndcg))
                .Append(", \"precision\": ").Append(Num(r.Precision))
                .Append(", \"recall\": ").Append(Num(r.Recall))
                .Append(", \"map\": ").Append(Num(r.Map))
                .Append(", \"hitRate\": ").Append(Num(r.HitRate))
                .Append(", \"mrr\": ").Append(Num(r.Mrr))
                .Append(", \"coverage\": ").Append(Num(r.Coverage))
                .Append(", \"diversity\": ").Append(r.Diversity.HasValue ? Num(r.Diversity.Value) : "null")
                .Append(", \"novelty\": ").Append(Num(r.Novelty))
                .Append(", \"trainSeconds\": ").Append(Num(r.TrainSeconds))
                .Append(", \"millisecondsPerUser\": ").Append(Num(r.MillisecondsPerUser))
                .Append(" }");
        }

        sb.Append(Results.Count == 0 ? "]\n" : "\n  ]\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToTable();

    private static string Num(double v) =>
        double.IsNaN(v) || double.IsInfinity(v) ? "null" : v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Str(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (ch < 0x20)
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
