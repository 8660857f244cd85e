using System;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Catalog;

/// <summary>
/// The catalog's rows quantized to int8 with a per-row scale (<see cref="ScoringPrecision.Int8"/>), kept beside the float32 rows
/// (which MMR, the exact rescoring, snapshots and exports read). Built once per catalog version, never changed afterwards.
/// </summary>
internal sealed class QuantizedRows
{
    /// <summary>
    /// Catalogs smaller than this (one scan block) are scored in float32 whatever the precision: their float32 rows fit in the
    /// caches, a scan of them takes about a microsecond, and rescoring the int8 candidates exactly would cost more than it saves.
    /// </summary>
    public const int MinRows = 4096;

    private readonly sbyte[] _codes;
    private readonly int _offset;
    private readonly int _length;

    private QuantizedRows(sbyte[] codes, int offset, int length, float[] scales)
    {
        _codes = codes;
        _offset = offset;
        _length = length;
        Scales = scales;
    }

    /// <summary>
    /// Row-major codes, rows x dimensions: the array the scan reads from end to end, so it starts on a large page where the OS
    /// allows (<see cref="Common.LargePages"/>).
    /// </summary>
    public ReadOnlySpan<sbyte> Codes => _codes.AsSpan(_offset, _length);

    /// <summary>Per-row scale: a row's value is code x scale.</summary>
    public float[] Scales { get; }

    /// <summary>Extra bytes per item over the float32 rows: one per dimension plus a 4-byte scale.</summary>
    public static int BytesPerItem(int dimensions) => dimensions + sizeof(float);

    /// <summary>Quantizes every row of a catalog, into <paramref name="reuse"/>'s arrays when they have exactly the right size.</summary>
    public static QuantizedRows Build(CatalogSnapshot catalog, QuantizedRows? reuse = null)
    {
        int n = catalog.Count;
        int dims = catalog.Dimensions;
        bool fits = reuse is not null && reuse.Scales.Length == n && reuse._length == n * dims;
        var quantized = fits ? new QuantizedRows(reuse!._codes, reuse._offset, reuse._length, reuse.Scales) : Allocate(n, dims);
        Int8Kernels.QuantizeRows(catalog.Vectors.AsSpan(0, n * dims), dims, quantized.WritableCodes, quantized.Scales);
        return quantized;
    }

    /// <summary>
    /// The quantized rows of <paramref name="next"/>, reusing the codes of rows it shares with <paramref name="previous"/>
    /// (<paramref name="previousRowOf"/>[row] = the row in the previous catalog whose vector is unchanged, or -1 to quantize).
    /// </summary>
    public static QuantizedRows Carry(QuantizedRows previous, CatalogSnapshot next, ReadOnlySpan<int> previousRowOf)
    {
        int n = next.Count;
        int dims = next.Dimensions;
        var quantized = Allocate(n, dims);
        var codes = quantized.WritableCodes;
        var scales = quantized.Scales;
        for (int row = 0; row < n; row++)
        {
            int from = previousRowOf[row];
            if (from >= 0)
            {
                previous.Codes.Slice(from * dims, dims).CopyTo(codes.Slice(row * dims, dims));
                scales[row] = previous.Scales[from];
            }
            else
            {
                Int8Kernels.QuantizeRows(next.Row(row), dims, codes.Slice(row * dims, dims), scales.AsSpan(row, 1));
            }
        }

        return quantized;
    }

    /// <summary>Codes of this instance's own arrays, for filling them before it is published.</summary>
    private Span<sbyte> WritableCodes => _codes.AsSpan(_offset, _length);

    private static QuantizedRows Allocate(int rows, int dimensions)
    {
        int length = rows * dimensions;
        var codes = Common.LargePages.Allocate<sbyte>(length, out int offset);
        return new QuantizedRows(codes, offset, length, new float[rows]);
    }
}
