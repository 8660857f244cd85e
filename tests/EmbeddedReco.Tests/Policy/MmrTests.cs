using EmbeddedReco.Catalog;
using EmbeddedReco.Policy;

namespace EmbeddedReco.Tests.Policy;

/// <summary>
/// MMR's paths without a tag cap (the identity order for lambda 1, one fused pass per pick for lambda below 1) against the general
/// loop, which a cap that never binds forces: the same picks in the same order on random, tied and clustered candidates.
/// </summary>
public sealed class MmrTests
{
    private const int Dimensions = 12;

    public static TheoryData<int, double, int> Cases()
    {
        var data = new TheoryData<int, double, int>();
        foreach (double lambda in new[] { 1.0, 0.9, 0.7, 0.3, 0.0 })
        {
            foreach (int seed in new[] { 1, 2, 3 })
            {
                data.Add(seed, lambda, 10);
            }
        }

        data.Add(4, 0.7, 1);
        data.Add(5, 0.7, 200);
        data.Add(6, 0.5, 250);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Select_WithoutTagCap_SamePicksAsTheGeneralLoop(int seed, double lambda, int count)
    {
        var rng = new Random(seed);
        var catalog = RandomCatalog(rng, 300, clustered: seed % 2 == 0);
        var (candidates, scores) = RankedCandidates(rng, catalog.Count, 200, ties: seed % 3 == 0);

        var fast = Picks(catalog, candidates, scores, count, lambda, maxPerTag: 0);
        var general = Picks(catalog, candidates, scores, count, lambda, maxPerTag: int.MaxValue);

        Assert.Equal(Math.Min(count, candidates.Length), fast.Length);
        Assert.Equal(general, fast);
        Assert.Equal(fast.Length, fast.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Select_CandidatesUnsortedPastTheBest_SamePicksAsSorted(int seed, double lambda, int count)
    {
        // The top-N may hand MMR the best `count` candidates in order and the others in no order (TopK.SelectBest): ties in value
        // then go to the better-ranked candidate by comparison, so the picks (as rows) are those of the sorted candidates, on both
        // paths.
        var rng = new Random(seed);
        // Exact copies of eight rows for the odd seeds: equal similarities, so equal values between candidates of other ranks.
        var catalog = RandomCatalog(rng, 300, clustered: true, noise: seed % 2 == 0 ? 0.01 : 0);
        var (candidates, scores) = RankedCandidates(rng, catalog.Count, 200, ties: seed % 3 == 0);
        int ordered = Math.Min(count, candidates.Length);
        var order = Enumerable.Range(0, ordered).Concat(Enumerable.Range(ordered, candidates.Length - ordered).OrderBy(_ => rng.Next())).ToArray();
        var shuffled = order.Select(i => candidates[i]).ToArray();
        var shuffledScores = order.Select(i => scores[i]).ToArray();

        foreach (int maxPerTag in new[] { 0, int.MaxValue })
        {
            var sorted = Picks(catalog, candidates, scores, count, lambda, maxPerTag).Select(i => candidates[i]);
            var unsorted = Picks(catalog, shuffled, shuffledScores, count, lambda, maxPerTag).Select(i => shuffled[i]);

            Assert.Equal(sorted, unsorted);
        }
    }

    [Fact]
    public void Select_LambdaOne_KeepsTheCandidatesOrder()
    {
        var rng = new Random(7);
        var catalog = RandomCatalog(rng, 50, clustered: false);
        var (candidates, scores) = RankedCandidates(rng, catalog.Count, 30, ties: true);

        var picks = Picks(catalog, candidates, scores, 10, 1.0, maxPerTag: 0);

        Assert.Equal(Enumerable.Range(0, 10), picks);
    }

    [Fact]
    public void Select_IdenticalRowsAndDiversity_PrefersTheDifferentRowOverItsCopies()
    {
        // Rows 0-2 are copies of one direction, row 3 another: after the first pick, a diverse list takes row 3 before the copies.
        var vectors = new float[4 * Dimensions];
        for (int r = 0; r < 3; r++)
        {
            vectors[r * Dimensions] = 1;
        }

        vectors[(3 * Dimensions) + 1] = 1;
        var catalog = new CatalogSnapshot(Dimensions, new[] { "a", "b", "c", "d" }, vectors, new[] { new[] { "x" }, new[] { "x" }, new[] { "x" }, new[] { "y" } }, MutableItemCounters.Create(4, null));
        int[] candidates = { 0, 1, 2, 3 };
        float[] scores = { 1.0f, 0.99f, 0.98f, 0.9f };

        var picks = Picks(catalog, candidates, scores, 2, 0.5, maxPerTag: 0);

        Assert.Equal(new[] { 0, 3 }, picks);
    }

    private static int[] Picks(CatalogSnapshot catalog, int[] candidates, float[] scores, int count, double lambda, int maxPerTag)
    {
        var scratch = new PolicyScratch();
        scratch.Ensure(candidates.Length, count, catalog.Dimensions, catalog.Count);
        var picked = new int[count];
        int n = Mmr.Select(catalog, candidates, scores, count, lambda, maxPerTag, scratch, picked);
        return picked.Take(n).ToArray();
    }

    /// <summary>Unit rows; clustered: eight directions plus a little noise (none: exact copies), so many (near-)ties in similarity.</summary>
    private static CatalogSnapshot RandomCatalog(Random rng, int items, bool clustered, double noise = 0.01)
    {
        var centers = new float[8 * Dimensions];
        for (int i = 0; i < centers.Length; i++)
        {
            centers[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var vectors = new float[items * Dimensions];
        var ids = new string[items];
        var tags = new string[items][];
        for (int r = 0; r < items; r++)
        {
            ids[r] = $"item-{r:D4}";
            tags[r] = new[] { $"t{r % 5}" };
            double norm = 0;
            for (int d = 0; d < Dimensions; d++)
            {
                float v = clustered
                    ? centers[((r % 8) * Dimensions) + d] + (float)(rng.NextDouble() * noise)
                    : (float)((rng.NextDouble() * 2) - 1);
                vectors[(r * Dimensions) + d] = v;
                norm += v * v;
            }

            for (int d = 0; d < Dimensions; d++)
            {
                vectors[(r * Dimensions) + d] /= (float)Math.Sqrt(norm);
            }
        }

        return new CatalogSnapshot(Dimensions, ids, vectors, tags, MutableItemCounters.Create(items, null));
    }

    /// <summary>
    /// Distinct rows with scores falling best first (ties: runs of equal scores, ordered by id as the top-N orders them; the ids
    /// are zero-padded, so a row's id rank is the row), as the top-N hands them to MMR.
    /// </summary>
    private static (int[] Candidates, float[] Scores) RankedCandidates(Random rng, int items, int count, bool ties)
    {
        var rows = Enumerable.Range(0, items).OrderBy(_ => rng.Next()).Take(count).ToArray();
        var scores = new float[count];
        float score = 1f;
        for (int i = 0; i < count; i++)
        {
            if (!ties || rng.Next(3) == 0)
            {
                score -= (float)(rng.NextDouble() * 0.01);
            }

            scores[i] = score;
        }

        var ranked = rows.Zip(scores).OrderByDescending(p => p.Second).ThenBy(p => p.First).ToArray();
        return (ranked.Select(p => p.First).ToArray(), ranked.Select(p => p.Second).ToArray());
    }
}
