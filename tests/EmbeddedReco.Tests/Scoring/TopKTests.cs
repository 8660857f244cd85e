using EmbeddedReco.Scoring;

namespace EmbeddedReco.Tests.Scoring;

public class TopKTests
{
    private struct EvenOnly : IRowFilter
    {
        public bool AcceptsAll => false;

        public bool Accept(int row) => row % 2 == 0;
    }

    [Theory]
    [InlineData(0, 5, 1)]
    [InlineData(1, 1, 2)]
    [InlineData(10, 3, 3)]
    [InlineData(1000, 10, 4)]
    [InlineData(1000, 1000, 5)]
    [InlineData(50, 100, 6)]
    public void Select_MatchesFullSortWithIdTieBreak(int n, int k, int seed)
    {
        var rng = new Random(seed);
        // Few distinct values: many ties.
        var scores = Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 20)).ToArray();
        var ids = Enumerable.Range(0, n).Select(i => $"id-{rng.Next(100000):D6}-{i}").ToArray();
        var rows = new int[Math.Max(k, 1)];
        var top = new float[Math.Max(k, 1)];
        var filter = default(AcceptAll);

        int count = TopK.Select(scores, Rank(ids), k, ref filter, rows, top);

        var expected = Enumerable.Range(0, n)
            .OrderByDescending(i => scores[i]).ThenBy(i => ids[i], StringComparer.Ordinal)
            .Take(k).ToArray();
        Assert.Equal(expected, rows.Take(count));
        Assert.Equal(expected.Select(i => scores[i]), top.Take(count));
    }

    [Fact]
    public void Select_FilterAndNaN_AreNeverSelected()
    {
        var scores = new[] { float.NaN, 5f, 9f, 1f, float.NegativeInfinity, 7f };
        var ids = new[] { "a", "b", "c", "d", "e", "f" };
        var rows = new int[6];
        var top = new float[6];
        var filter = default(EvenOnly);

        int count = TopK.Select(scores, Rank(ids), 6, ref filter, rows, top);

        Assert.Equal(new[] { 2, 4 }, rows.Take(count));
    }

    private static int[] Rank(string[] ids)
    {
        var rank = new int[ids.Length];
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i], StringComparer.Ordinal).ToArray();
        for (int r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
        }

        return rank;
    }
}

/// <summary>The streaming selection against a full sort on the inputs that stress it: long tie runs, shuffled id ranks, NaN, a filter, k from 1 to beyond n.</summary>
public class TopKStreamingTests
{
    private struct EveryThird : IRowFilter
    {
        public bool AcceptsAll => false;

        public bool Accept(int row) => row % 3 != 1;
    }

    [Theory]
    [InlineData(20_000, 1, 1, 4)]
    [InlineData(20_000, 10, 2, 3)]
    [InlineData(20_000, 250, 3, 50)]
    [InlineData(20_000, 500, 4, 1000)]
    [InlineData(5_000, 4_999, 5, 7)]
    [InlineData(300, 1_000, 6, 2)]
    [InlineData(100_000, 64, 7, 1)]
    public void Select_TiesShuffledRanksNaNAndFilter_MatchesFullSort(int n, int k, int seed, int distinctScores)
    {
        var rng = new Random(seed);
        var scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = rng.Next(20) == 0 ? float.NaN : rng.Next(distinctScores) / 7f;
        }

        int[] rank = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        var filter = new EveryThird();
        var rows = new int[k];
        var kept = new float[k];

        int count = TopK.Select(scores, rank, k, ref filter, rows, kept);

        var expected = Enumerable.Range(0, n)
            .Where(i => !float.IsNaN(scores[i]) && i % 3 != 1)
            .OrderByDescending(i => scores[i]).ThenBy(i => rank[i])
            .Take(k).ToArray();
        Assert.Equal(expected, rows.Take(count).ToArray());
        Assert.Equal(expected.Select(i => scores[i]), kept.Take(count));
    }
}

/// <summary>
/// <see cref="TopK.SelectBest"/>: the same best k as a full sort, with only the leading ones in order (the rest as a set), on the
/// inputs that stress the selection: tie runs, shuffled id ranks, NaN, a filter, k near and beyond n.
/// </summary>
public class TopKPartlySortedTests
{
    private struct EveryThird : IRowFilter
    {
        public bool AcceptsAll => false;

        public bool Accept(int row) => row % 3 != 1;
    }

    [Theory]
    [InlineData(300, 200, 60, 1, 1_000, false)] // the game-loop demo's exploring lists: 200 candidates of 300, 60 in order
    [InlineData(300, 200, 10, 2, 5, false)]
    [InlineData(300, 200, 1, 3, 2, true)]
    [InlineData(20_000, 400, 60, 4, 50, true)]
    [InlineData(20_000, 2_000, 110, 5, 100_000, false)]
    [InlineData(150, 200, 60, 6, 1_000, true)] // fewer accepted rows than k
    [InlineData(100, 200, 150, 7, 3, false)] // fewer accepted rows than the sorted part: all sorted
    public void SelectBest_TiesNaNAndFilter_SameBestKAsAFullSortAndTheLeadingOnesInOrder(int n, int k, int sorted, int seed, int distinctScores, bool filtered)
    {
        var rng = new Random(seed);
        var scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = rng.Next(20) == 0 ? float.NaN : rng.Next(distinctScores) / 7f;
        }

        int[] rank = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        var rows = new int[k];
        var kept = new float[k];
        int count;
        if (filtered)
        {
            var filter = new EveryThird();
            count = TopK.SelectBest(scores, rank, k, sorted, ref filter, rows, kept);
        }
        else
        {
            var all = default(AcceptAll);
            count = TopK.SelectBest(scores, rank, k, sorted, ref all, rows, kept);
        }

        var expected = Enumerable.Range(0, n)
            .Where(i => !float.IsNaN(scores[i]) && (!filtered || i % 3 != 1))
            .OrderByDescending(i => scores[i]).ThenBy(i => rank[i])
            .Take(k).ToArray();
        int ordered = Math.Min(sorted, expected.Length);
        Assert.Equal(expected.Length, count);
        Assert.Equal(expected.Take(ordered), rows.Take(ordered));
        Assert.Equal(expected.Order(), rows.Take(count).Order());
        Assert.Equal(rows.Take(count).Select(i => scores[i]), kept.Take(count));
    }
}

/// <summary>The re-ranking of rescored candidates (<see cref="TopK.Order"/>) against a full sort.</summary>
public class TopKOrderTests
{
    [Theory]
    [InlineData(312, 200, 60, 1, 1_000)] // the default policy at 100k: 312 rescored, the 200 greedy ones kept, 60 in order
    [InlineData(312, 250, 250, 2, 5)] // a tag cap: all kept candidates sorted, many ties
    [InlineData(26, 10, 10, 3, 1_000)] // pure relevance: the list itself
    [InlineData(50, 80, 20, 4, 3)] // fewer entries than k
    [InlineData(1, 10, 10, 5, 1)]
    [InlineData(40, 40, 1, 6, 2)]
    public void Order_ShuffledEntriesWithTies_SameBestKAsAFullSortAndTheLeadingOnesInOrder(int count, int k, int sorted, int seed, int distinct)
    {
        var rng = new Random(seed);
        int n = 3 * count;
        float[] byRow = Enumerable.Range(0, n).Select(_ => rng.Next(distinct) / 7f).ToArray();
        int[] rank = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        int[] entries = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(count).ToArray();
        var rows = (int[])entries.Clone();
        float[] scores = rows.Select(r => byRow[r]).ToArray();

        int kept = TopK.Order(rows, scores, byRow, rank, count, k, sorted);

        var expected = entries.OrderByDescending(r => byRow[r]).ThenBy(r => rank[r]).Take(k).ToArray();
        int ordered = Math.Min(sorted, expected.Length);
        Assert.Equal(expected.Length, kept);
        Assert.Equal(expected.Take(ordered), rows.Take(ordered));
        Assert.Equal(expected.Order(), rows.Take(kept).Order());
        Assert.Equal(rows.Take(kept).Select(r => byRow[r]), scores.Take(kept));
    }
}

/// <summary>
/// The sampled starting threshold (large k, no filter) against a full sort, including inputs built to defeat the sample: the best
/// rows all outside the sampled runs (the estimate is then too high and the call must fall back), or all inside them.
/// </summary>
public class TopKSampledThresholdTests
{
    public enum Layout
    {
        Random,
        Ascending,
        Descending,
        BestOutsideSample,
        BestInsideSample,
        FewDistinct,
        MostlyNaN,
    }

    [Theory]
    [InlineData(100_000, 390, Layout.Random)]
    [InlineData(100_000, 390, Layout.Ascending)]
    [InlineData(100_000, 390, Layout.Descending)]
    [InlineData(100_000, 390, Layout.BestOutsideSample)]
    [InlineData(100_000, 390, Layout.BestInsideSample)]
    [InlineData(100_000, 390, Layout.FewDistinct)]
    [InlineData(100_000, 390, Layout.MostlyNaN)]
    [InlineData(40_000, 256, Layout.Random)]
    [InlineData(1_000_000, 390, Layout.BestOutsideSample)]
    [InlineData(200_000, 2_000, Layout.FewDistinct)]
    public void Select_LargeKWithoutFilter_MatchesFullSort(int n, int k, Layout layout)
    {
        var rng = new Random(n + k + (int)layout);
        var scores = new float[n];
        int stride = n / 16;
        for (int i = 0; i < n; i++)
        {
            bool inSampleRun = i % stride < stride / 20; // the start of each sixteenth, where the sample is taken
            scores[i] = layout switch
            {
                Layout.Ascending => i,
                Layout.Descending => -i,
                Layout.BestOutsideSample => inSampleRun ? 10 + (float)rng.NextDouble() : (float)rng.NextDouble(),
                Layout.BestInsideSample => inSampleRun ? (float)rng.NextDouble() : 10 + (float)rng.NextDouble(),
                Layout.FewDistinct => rng.Next(3),
                Layout.MostlyNaN => rng.Next(10) == 0 ? (float)rng.NextDouble() : float.NaN,
                _ => (float)rng.NextDouble(),
            };
        }

        if (layout == Layout.BestOutsideSample)
        {
            // Only k / 2 rows outside the sampled runs beat every sampled one: the estimate is far above the k-th best.
            for (int i = 0; i < n; i++)
            {
                scores[i] = i % stride < stride / 20 ? 10 + (float)rng.NextDouble() : (float)rng.NextDouble();
            }

            for (int j = 0; j < k / 2; j++)
            {
                scores[(stride / 2) + (j * 7)] = 100 + j;
            }
        }

        int[] rank = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        var filter = default(AcceptAll);
        var rows = new int[k];
        var kept = new float[k];

        int count = TopK.Select(scores, rank, k, ref filter, rows, kept);

        var expected = Enumerable.Range(0, n)
            .Where(i => !float.IsNaN(scores[i]))
            .OrderByDescending(i => scores[i]).ThenBy(i => rank[i])
            .Take(k).ToArray();
        Assert.Equal(expected, rows.Take(count).ToArray());
        Assert.Equal(expected.Select(i => scores[i]), kept.Take(count));
    }
}
