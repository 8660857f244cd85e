namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>Deterministic catalogs and engines for tests.</summary>
public static class TestCatalog
{
    /// <summary>
    /// Engine options for tests. By default the policy is "pure relevance" (epsilon 0, no MMR, no recent-list memory) so tests of
    /// scoring see exact rankings; policy tests pass <paramref name="pure"/> = false to keep the engine's defaults.
    /// </summary>
    public static RecoEngineOptions Options(string path = RecoEngineOptions.InMemory, int dimensions = 8, TestClock? clock = null, bool pure = true)
    {
        var options = new RecoEngineOptions
        {
            DatabasePath = path,
            Dimensions = dimensions,
            Clock = (clock ?? new TestClock()).AsFunc(),
        };
        if (pure)
        {
            options.Policy.Epsilon = 0;
            options.Policy.Diversity = 1;
            options.Policy.RecentLists = 0;
            options.Scorers.SetWeight(ScorerContract.Popularity, 0);
        }

        return options;
    }

    public static RecoEngine InMemory(int dimensions = 8, TestClock? clock = null, bool pure = true) =>
        RecoEngine.Open(Options(dimensions: dimensions, clock: clock, pure: pure));

    /// <summary>Random unit-ish vectors, seeded, ids "item-0000".</summary>
    public static List<ItemDefinition> Random(int count, int dimensions, int seed = 1, int tagCount = 4)
    {
        var rng = new Random(seed);
        var items = new List<ItemDefinition>(count);
        for (int i = 0; i < count; i++)
        {
            var v = new float[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                v[d] = (float)((rng.NextDouble() * 2) - 1);
            }

            items.Add(new ItemDefinition($"item-{i:D4}", v, new[] { $"tag-{i % tagCount}" }));
        }

        return items;
    }

    /// <summary>Items clustered around the axes: item i belongs to cluster i % clusters, tagged "c{cluster}".</summary>
    public static List<ItemDefinition> Clustered(int count, int dimensions, int clusters, int seed = 7, float noise = 0.15f)
    {
        var rng = new Random(seed);
        var items = new List<ItemDefinition>(count);
        for (int i = 0; i < count; i++)
        {
            int c = i % clusters;
            var v = new float[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                v[d] = (float)((rng.NextDouble() * 2) - 1) * noise;
            }

            v[c % dimensions] += 1f;
            items.Add(new ItemDefinition($"item-{i:D4}", v, new[] { $"c{c}" }));
        }

        return items;
    }

    public static float[] Axis(int dimensions, int axis, float value = 1f)
    {
        var v = new float[dimensions];
        v[axis] = value;
        return v;
    }
}
