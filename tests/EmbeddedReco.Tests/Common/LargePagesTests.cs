using System.Runtime.InteropServices;
using EmbeddedReco.Catalog;
using EmbeddedReco.Common;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Tests.Common;

/// <summary>
/// Large-page placement of the catalog's big arrays: where the OS takes the advice (Linux with transparent huge pages) the data
/// starts on a 2 MB boundary of a pinned array; elsewhere, and below the size threshold, arrays are ordinary. Either way the
/// engine's results are the same (the int8 codes of a large catalog equal a plain quantization).
/// </summary>
[Collection(LargePagesCollection.Name)]
public class LargePagesTests
{
    private static bool AdviceExpected =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Directory.Exists("/sys/kernel/mm/transparent_hugepage");

    [Fact]
    public void Allocate_SmallArray_IsOrdinaryWithOffsetZero()
    {
        var array = LargePages.Allocate<sbyte>(LargePages.MinBytes - 1, out int offset);

        Assert.Equal(0, offset);
        Assert.Equal(LargePages.MinBytes - 1, array.Length);
    }

    [Fact]
    public void Allocate_LargeArrayWhereAdviceIsTaken_DataStartsOn2MBBoundaryWithRoomForTheLength()
    {
        int length = LargePages.MinBytes + 12_345;
        int advisedBefore = LargePages.Advised;

        var array = LargePages.Allocate<sbyte>(length, out int offset);

        Assert.True(array.Length >= offset + length, $"array {array.Length} too short for offset {offset} + {length}");
        if (!AdviceExpected || !LargePages.Enabled)
        {
            Assert.Equal(0, offset);
            return;
        }

        Assert.True(LargePages.Advised > advisedBefore, "the advice was not counted");
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long address = (long)handle.AddrOfPinnedObject() + offset;
            Assert.Equal(0, address % LargePages.PageBytes);
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void Allocate_Disabled_IsOrdinaryArray()
    {
        bool was = LargePages.Enabled;
        try
        {
            LargePages.Enabled = false;
            var array = LargePages.Allocate<sbyte>(LargePages.MinBytes * 2, out int offset);
            var inPlace = LargePages.AllocateInPlace<float>(LargePages.MinBytes);

            Assert.Equal(0, offset);
            Assert.Equal(LargePages.MinBytes * 2, array.Length);
            Assert.Equal(LargePages.MinBytes, inPlace.Length);
        }
        finally
        {
            LargePages.Enabled = was;
        }
    }

    [Fact]
    public void AllocateInPlace_LargeArray_ExactLengthAndZeroed()
    {
        int length = LargePages.MinBytes / sizeof(float) + 7;

        var array = LargePages.AllocateInPlace<float>(length);

        Assert.Equal(length, array.Length);
        Assert.All(new[] { 0, length / 2, length - 1 }, i => Assert.Equal(0f, array[i]));
    }

    /// <summary>70,000 rows x 64 dims: 4.48 MB of codes, over the threshold, so they are placed (and offset) where the OS allows.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Quantize_LargeCatalog_CodesEqualAPlainQuantizationEitherPlacement(bool largePages)
    {
        const int Rows = 70_000, Dims = 64;
        var rng = new Random(11);
        var vectors = new float[Rows * Dims];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var ids = Enumerable.Range(0, Rows).Select(i => $"item-{i:D6}").ToArray();
        var tags = Enumerable.Repeat(Array.Empty<string>(), Rows).ToArray();
        bool was = LargePages.Enabled;
        try
        {
            LargePages.Enabled = largePages;
            var catalog = new CatalogSnapshot(Dims, ids, vectors, tags, new MutableItemCounters(Rows));
            catalog.Quantize();

            var expectedCodes = new sbyte[Rows * Dims];
            var expectedScales = new float[Rows];
            Int8Kernels.QuantizeRows(vectors, Dims, expectedCodes, expectedScales);
            Assert.Equal(Rows * Dims, catalog.Quantized!.Codes.Length);
            Assert.True(catalog.Quantized.Codes.SequenceEqual(expectedCodes), "codes differ from a plain quantization");
            Assert.Equal(expectedScales, catalog.Quantized.Scales);
        }
        finally
        {
            LargePages.Enabled = was;
        }
    }
}

/// <summary>Tests that switch <see cref="LargePages.Enabled"/> (process-wide) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargePagesCollection
{
    public const string Name = "LargePages (process-wide switch)";
}
