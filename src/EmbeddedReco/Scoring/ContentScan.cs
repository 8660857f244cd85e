using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using EmbeddedReco.Catalog;
using EmbeddedReco.Common;

namespace EmbeddedReco.Scoring;

/// <summary>
/// The one read of the catalog per <c>Suggest</c>: the content similarity of every row to the player's profile, in blocks of
/// rows small enough that the block's scores are still in L1 when its range is taken. With <see cref="ScoringPrecision.Int8"/>
/// the int8 rows are scanned (a quarter of the memory traffic) and the two rows at the ends of the range are rescored in float32,
/// so the min-max normalization uses exact values whenever the int8 scan found the right extremes; the candidates are rescored
/// later (<see cref="PlayerScoring.Rescore"/>). <see cref="ScanMany"/> serves several players per read of each block.
/// </summary>
internal static class ContentScan
{
    /// <summary>Rows per block: the scores of a block (16 KB) stay in L1 while the block's range is taken.</summary>
    internal const int BlockRows = 4096;

    /// <summary>Scores every row for one query; returns the range of the scores (exact ends, see the class remarks).</summary>
    [MethodImpl(HotPath.Optimize)]
    public static void Scan(CatalogSnapshot catalog, ReadOnlySpan<float> query, Span<short> queryCodes, Span<float> raw, out float min, out float max)
    {
        int n = raw.Length;
        var quantized = catalog.Quantized;
        float queryScale = quantized is null ? 0f : Int8Kernels.QuantizeQuery(query, queryCodes.Slice(0, query.Length));
        int lo = 0, hi = 0;
        for (int start = 0; start < n; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, n - start);
            var block = raw.Slice(start, rows);
            ScoreBlock(catalog, quantized, query, queryCodes, queryScale, start, block, prefetch: true);
            TrackRange(raw, block, start, ref lo, ref hi);
        }

        FinishRange(catalog, quantized, query, raw, lo, hi, out min, out max);
    }

    /// <summary>
    /// Scores every row for each of <paramref name="players"/> queries, reading each block of the catalog once for all of them
    /// (the block stays in cache while every query scans it). Same results as <see cref="Scan"/> per query.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public static void ScanMany(CatalogSnapshot catalog, int players, float[][] queries, short[][] queryCodes, float[][] raws, float[] mins, float[] maxs, int n)
    {
        var quantized = catalog.Quantized;
        int dims = catalog.Dimensions;
        Span<float> queryScales = stackalloc float[players];
        Span<int> lo = stackalloc int[players];
        Span<int> hi = stackalloc int[players];
        for (int p = 0; p < players; p++)
        {
            queryScales[p] = quantized is null ? 0f : Int8Kernels.QuantizeQuery(queries[p].AsSpan(0, dims), queryCodes[p].AsSpan(0, dims));
        }

        // Smaller blocks than one player's scan: the rows of a block must stay in L1/L2 while every player reads them.
        int blockRows = Math.Max(64, Math.Min(BlockRows, 32 * 1024 / Math.Max(1, quantized is null ? dims * sizeof(float) : dims)));
        for (int start = 0; start < n; start += blockRows)
        {
            int rows = Math.Min(blockRows, n - start);
            for (int p = 0; p < players; p++)
            {
                var block = raws[p].AsSpan(start, rows);
                // The first player's pass brings the block in (prefetched); the others find it in the caches.
                ScoreBlock(catalog, quantized, queries[p].AsSpan(0, dims), queryCodes[p], queryScales[p], start, block, prefetch: p == 0);
                TrackRange(raws[p].AsSpan(0, n), block, start, ref lo[p], ref hi[p]);
            }
        }

        for (int p = 0; p < players; p++)
        {
            FinishRange(catalog, quantized, queries[p].AsSpan(0, dims), raws[p].AsSpan(0, n), lo[p], hi[p], out mins[p], out maxs[p]);
        }
    }

    /// <summary>The exact (float32) similarity of one row, bit-identical to the float32 scan's value for that row.</summary>
    public static float Exact(CatalogSnapshot catalog, int row, ReadOnlySpan<float> query) => VectorKernels.Dot(catalog.Row(row), query);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreBlock(CatalogSnapshot catalog, QuantizedRows? quantized, ReadOnlySpan<float> query, ReadOnlySpan<short> queryCodes, float queryScale, int start, Span<float> block, bool prefetch)
    {
        int dims = catalog.Dimensions;
        int rows = block.Length;
        if (quantized is null)
        {
            VectorKernels.DotRows(catalog.Vectors.AsSpan(start * dims, rows * dims), dims, query, block, prefetch);
        }
        else
        {
            Int8Kernels.DotRows(quantized.Codes.Slice(start * dims, rows * dims), quantized.Scales.AsSpan(start, rows), dims, queryCodes.Slice(0, dims), queryScale, block, prefetch);
        }
    }

    /// <summary>Keeps the rows of the lowest and highest score so far (first row on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TrackRange(Span<float> raw, ReadOnlySpan<float> block, int start, ref int lo, ref int hi)
    {
        int blockLo = start + TensorPrimitives.IndexOfMin(block);
        int blockHi = start + TensorPrimitives.IndexOfMax(block);
        lo = raw[blockLo] < raw[lo] ? blockLo : lo;
        hi = raw[blockHi] > raw[hi] ? blockHi : hi;
    }

    private static void FinishRange(CatalogSnapshot catalog, QuantizedRows? quantized, ReadOnlySpan<float> query, Span<float> raw, int lo, int hi, out float min, out float max)
    {
        if (raw.IsEmpty)
        {
            min = float.PositiveInfinity;
            max = float.NegativeInfinity;
            return;
        }

        if (quantized is not null)
        {
            raw[lo] = Exact(catalog, lo, query);
            raw[hi] = Exact(catalog, hi, query);
        }

        min = raw[lo];
        max = raw[hi];
    }
}
