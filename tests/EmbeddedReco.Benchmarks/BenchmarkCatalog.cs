using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>Seeded random catalogs shared by the benchmarks.</summary>
internal static class BenchmarkCatalog
{
    public static List<ItemDefinition> Random(int items, int dims, int seed = 42)
    {
        var rng = new Random(seed);
        var list = new List<ItemDefinition>(items);
        for (int i = 0; i < items; i++)
        {
            var v = new float[dims];
            for (int d = 0; d < dims; d++)
            {
                v[d] = (float)((rng.NextDouble() * 2) - 1);
            }

            list.Add(new ItemDefinition($"item-{i:D6}", v, new[] { $"tag-{i % 16}" }));
        }

        return list;
    }
}
