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

    /// <summary>
    /// The baseline of the Suggest benchmarks: what a competent host author writes in ten lines without the engine,
    /// <c>TensorPrimitives.Dot</c> per row of a row-major matrix and a 10-slot insertion list (best first). Returns the best row.
    /// </summary>
    public static int TensorPrimitivesTop10(ReadOnlySpan<float> matrix, int dims, ReadOnlySpan<float> query, Span<float> best, Span<int> rows)
    {
        best.Fill(float.NegativeInfinity);
        rows.Fill(-1);
        int items = matrix.Length / dims;
        for (int r = 0; r < items; r++)
        {
            float s = System.Numerics.Tensors.TensorPrimitives.Dot(matrix.Slice(r * dims, dims), query);
            if (s <= best[9])
            {
                continue;
            }

            int p = 9;
            while (p > 0 && best[p - 1] < s)
            {
                best[p] = best[p - 1];
                rows[p] = rows[p - 1];
                p--;
            }

            best[p] = s;
            rows[p] = r;
        }

        return rows[0];
    }
}
