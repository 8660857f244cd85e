using System.Buffers;
using System.Buffers.Binary;
using EmbeddedReco.Snapshots;
using EmbeddedReco.Tests.Infrastructure;
using MessagePack;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>Every bad file gives a typed <see cref="RecoException"/> with a snapshot code and leaves the engine exactly unchanged.</summary>
public sealed class SnapshotHostileFileTests : IDisposable
{
    private readonly RecoEngine _engine;
    private readonly byte[] _before;
    private readonly byte[] _valid;

    public SnapshotHostileFileTests()
    {
        using (var other = PopulatedEngine(items: 16, seed: 5))
        {
            _valid = Save(other, Everything);
        }

        _engine = PopulatedEngine();
        _before = Fingerprint(_engine);
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void LoadSnapshot_ValidFile_Loads()
    {
        _engine.LoadSnapshot(new MemoryStream(_valid));
        Assert.Equal(16, _engine.ItemCount);
    }

    [Fact]
    public void LoadSnapshot_TruncatedAtAnyPoint_ThrowsTruncated()
    {
        var cuts = Enumerable.Range(0, SnapshotHeader.Size + 64).Concat(Enumerable.Range(0, 200).Select(i => _valid.Length * i / 200)).Append(_valid.Length - 1).Distinct();
        foreach (int cut in cuts)
        {
            var bytes = _valid.AsSpan(0, cut).ToArray();
            AssertRejected(new MemoryStream(bytes), RecoErrorCode.SnapshotTruncated);
            AssertRejected(new NonSeekableStream(bytes), RecoErrorCode.SnapshotTruncated);
        }
    }

    [Fact]
    public void LoadSnapshot_ThousandsOfSeededByteFlips_AllRejected()
    {
        var rng = new Random(20261129);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])_valid.Clone();
            int flips = 1 + rng.Next(3);
            var positions = new HashSet<int>();
            while (positions.Count < flips)
            {
                // Half the flips land in the header, where every field matters. Distinct positions: a flip is never undone.
                positions.Add(rng.Next(2) == 0 ? rng.Next(SnapshotHeader.Size) : rng.Next(bytes.Length));
            }

            foreach (int at in positions)
            {
                bytes[at] ^= (byte)(1 + rng.Next(255));
            }

            var ex = Assert.Throws<RecoException>(() => _engine.LoadSnapshot(new MemoryStream(bytes)));
            Assert.False(ex.IsStorageError);
        }

        Assert.Equal(_before, Fingerprint(_engine));
    }

    [Fact]
    public void LoadSnapshot_NotASnapshot_ThrowsBadMagic()
    {
        AssertRejected(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"items\": []} this is JSON, not a snapshot at all....")), RecoErrorCode.SnapshotBadMagic);
        AssertRejected(new MemoryStream(new byte[] { 0x89, (byte)'X' }), RecoErrorCode.SnapshotBadMagic);
    }

    [Fact]
    public void LoadSnapshot_HeaderClaimsHugeLength_ThrowsTooLargeWithoutAllocating()
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(new MemoryStream(WithLengths(_valid, 1L << 40, 1L << 40)), RecoErrorCode.SnapshotTooLarge);
        AssertRejected(new MemoryStream(WithLengths(_valid, long.MaxValue, long.MaxValue)), RecoErrorCode.SnapshotTooLarge);

        // Under the cap but far beyond the data: truncated, for seekable and non-seekable streams alike.
        long nearCap = SnapshotOptions.DefaultMaxSnapshotBytes - 1000;
        AssertRejected(new MemoryStream(WithLengths(_valid, nearCap, nearCap)), RecoErrorCode.SnapshotTruncated);
        AssertRejected(new NonSeekableStream(WithLengths(_valid, nearCap, nearCap)), RecoErrorCode.SnapshotTruncated);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64L << 20, "a lying header made the reader allocate the announced size");

        AssertRejected(new MemoryStream(WithLengths(_valid, -5, -5)), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(_valid), RecoErrorCode.SnapshotTooLarge, new SnapshotOptions { MaxSnapshotBytes = _valid.Length - 1 });
    }

    [Fact]
    public void LoadSnapshot_UnknownMajorVersion_ThrowsUnsupportedVersion()
    {
        var payload = CraftPayload(Ids(3), UnitRows(3));
        AssertRejected(new MemoryStream(Envelope(payload, major: 2)), RecoErrorCode.SnapshotUnsupportedVersion);
        AssertRejected(new MemoryStream(Envelope(payload, major: 0)), RecoErrorCode.SnapshotUnsupportedVersion);
        AssertRejected(new MemoryStream(Envelope(payload, flags: (SnapshotFlags)0x100)), RecoErrorCode.SnapshotUnsupportedVersion);
    }

    [Fact]
    public void LoadSnapshot_NewerMinorWithUnknownSection_SkipsItAndLoads()
    {
        var payload = CraftPayload(Ids(3), UnitRows(3), extraSection: b =>
        {
            var w = new MessagePackWriter(b);
            w.Write("learnedModel");
            w.WriteMapHeader(2);
            w.Write("kind");
            w.Write("ease");
            w.Write("weights");
            w.WriteArrayHeader(2);
            w.Write(new byte[] { 1, 2, 3 });
            w.WriteNil();
            w.Flush();
        });
        _engine.LoadSnapshot(new MemoryStream(Envelope(payload, minor: 7)));
        Assert.Equal(3, _engine.ItemCount);
        Assert.True(_engine.ContainsItem("crafted-002"));
    }

    [Fact]
    public void LoadSnapshot_DeepNesting_ThrowsInvalid()
    {
        var payload = CraftPayload(Ids(3), UnitRows(3), extraSection: b =>
        {
            var w = new MessagePackWriter(b);
            w.Write("deep");
            for (int i = 0; i < 100_000; i++)
            {
                w.WriteArrayHeader(1);
            }

            w.WriteNil();
            w.Flush();
        });
        AssertRejected(new MemoryStream(Envelope(payload)), RecoErrorCode.SnapshotInvalid);
    }

    [Fact]
    public void LoadSnapshot_HugeArrayHeader_ThrowsInvalid()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(2);
        w.Write("engine");
        w.WriteMapHeader(1);
        w.Write("dimensions");
        w.Write(Dims);
        w.Write("catalog");
        w.WriteMapHeader(1);
        w.Write("ids");
        w.WriteArrayHeader(int.MaxValue);
        w.Write("only-one");
        w.Flush();
        AssertRejected(new MemoryStream(Envelope(buffer.WrittenSpan)), RecoErrorCode.SnapshotInvalid);

        // The same in an unknown section, and a huge map header.
        var payload = CraftPayload(Ids(3), UnitRows(3), extraSection: b =>
        {
            var x = new MessagePackWriter(b);
            x.Write("future");
            x.WriteMapHeader(int.MaxValue);
            x.Flush();
        });
        AssertRejected(new MemoryStream(Envelope(payload)), RecoErrorCode.SnapshotInvalid);
    }

    [Fact]
    public void LoadSnapshot_NaNInVector_ThrowsInvalid()
    {
        var rows = UnitRows(4);
        rows[(2 * Dims) + 3] = float.NaN;
        var ex = AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(4), rows))), RecoErrorCode.SnapshotInvalid);
        Assert.Contains("crafted-002", ex.Message);

        rows = UnitRows(4);
        rows[1] = float.PositiveInfinity;
        AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(4), rows))), RecoErrorCode.SnapshotInvalid);
    }

    [Theory]
    [InlineData(new[] { 1, 0, 2, 3 })] // a permutation, but not the ids' order
    [InlineData(new[] { 0, 1, 2, 2 })] // not a permutation
    [InlineData(new[] { 0, 1, 2, 4 })] // out of range
    [InlineData(new[] { 0, 1, 2, -1 })] // negative
    [InlineData(new[] { 0, 1, 2 })] // too short
    public void LoadSnapshot_RankThatIsNotTheIdOrder_ThrowsInvalid(int[] rank)
    {
        var ex = AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(4), UnitRows(4), rank: rank), minor: 2)), RecoErrorCode.SnapshotInvalid);
        Assert.Contains("rank", ex.Message);
    }

    [Fact]
    public void LoadSnapshot_CorrectRank_LoadsWithThatTieBreakOrder()
    {
        var ids = new[] { "b", "c", "a", "d" };
        _engine.LoadSnapshot(new MemoryStream(Envelope(CraftPayload(ids, UnitRows(4), rank: new[] { 1, 2, 0, 3 }), minor: 2)));
        Assert.Equal(new[] { 1, 2, 0, 3 }, _engine.State.Catalog.IdRank);

        using var sorted = TestCatalog.InMemory(Dims);
        sorted.LoadSnapshot(new MemoryStream(Envelope(CraftPayload(ids, UnitRows(4)))));
        Assert.Equal(sorted.State.Catalog.IdRank, _engine.State.Catalog.IdRank);
    }

    [Fact]
    public void LoadSnapshot_DuplicateIds_ThrowsInvalid()
    {
        var ids = Ids(4);
        ids[3] = ids[1];
        var ex = AssertRejected(new MemoryStream(Envelope(CraftPayload(ids, UnitRows(4)))), RecoErrorCode.SnapshotInvalid);
        Assert.Contains("more than once", ex.Message);
    }

    [Fact]
    public void LoadSnapshot_WrongDimensions_ThrowsInvalidNamingBoth()
    {
        var ex = AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(4), UnitRows(4, 4), dimensions: 4))), RecoErrorCode.SnapshotInvalid);
        Assert.Contains("4 dimensions", ex.Message);
        Assert.Contains("8", ex.Message);
    }

    [Fact]
    public void LoadSnapshot_BadIdsCountsAndRows_ThrowInvalid()
    {
        var ids = Ids(3);
        ids[0] = " ";
        AssertRejected(new MemoryStream(Envelope(CraftPayload(ids, UnitRows(3)))), RecoErrorCode.SnapshotInvalid);
        ids[0] = new string('x', 300); // over the default MaxIdBytes (256)
        AssertRejected(new MemoryStream(Envelope(CraftPayload(ids, UnitRows(3)))), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(3), UnitRows(3), count: 4))), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(3), UnitRows(2)))), RecoErrorCode.SnapshotInvalid);
        var rows = UnitRows(3);
        rows[0] = 5f; // not unit length
        AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(3), rows))), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(3), UnitRows(3), tags: new[] { new[] { "ok" }, new[] { "" }, Array.Empty<string>() }))), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(Envelope(CraftPayload(Ids(3), UnitRows(3)), flags: SnapshotFlags.Profiles)), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(Envelope(new byte[] { 0xC1, 0x00 })), RecoErrorCode.SnapshotInvalid);
        AssertRejected(new MemoryStream(Envelope(Array.Empty<byte>())), RecoErrorCode.SnapshotInvalid);
    }

    [Fact]
    public void LoadSnapshot_CorruptLz4WithCorrectChecksum_LoadsOrThrowsRecoExceptionOnly()
    {
        // A crafted file with a correct checksum is just a file with other content: it may decode (then validation decides) but
        // must never escape as another exception type or crash the decoder.
        using var scratch = TestCatalog.InMemory(Dims);
        byte[] packed;
        using (var other = PopulatedEngine(items: 200))
        {
            packed = Save(other, new SnapshotOptions { IncludeProfiles = true, Compression = SnapshotCompression.Lz4 });
        }

        var stored = packed.AsSpan(SnapshotHeader.Size).ToArray();
        long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(packed.AsSpan(24));
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var bad = (byte[])stored.Clone();
            bad[8 + rng.Next(bad.Length - 8)] ^= (byte)(1 + rng.Next(255));
            using var stream = new MemoryStream();
            SnapshotWriter.WriteEnvelope(stream, bad, payloadLength, SnapshotFlags.Lz4 | SnapshotFlags.Popularity | SnapshotFlags.Profiles);
            try
            {
                scratch.LoadSnapshot(new MemoryStream(stream.ToArray()));
            }
            catch (RecoException ex)
            {
                Assert.False(ex.IsStorageError);
            }
        }

        // A decompressed size that lies (bigger than announced) is refused.
        using var lying = new MemoryStream();
        SnapshotWriter.WriteEnvelope(lying, stored, 100, SnapshotFlags.Lz4 | SnapshotFlags.Popularity | SnapshotFlags.Profiles);
        AssertRejected(new MemoryStream(lying.ToArray()), RecoErrorCode.SnapshotInvalid);
    }

    [Fact]
    public void LoadSnapshot_TrailingBytesInFile_ThrowsInvalid()
    {
        using var folder = new TempFolder();
        string path = folder.File("trailing.ersnap");
        File.WriteAllBytes(path, _valid.Append((byte)0).ToArray());
        var ex = Assert.Throws<RecoException>(() => _engine.LoadSnapshot(path));
        Assert.Equal(RecoErrorCode.SnapshotInvalid, ex.Code);
        Assert.Equal(_before, Fingerprint(_engine));
    }

    private RecoException AssertRejected(Stream stream, RecoErrorCode expected, SnapshotOptions? options = null)
    {
        var ex = Assert.Throws<RecoException>(() => _engine.LoadSnapshot(stream, options));
        Assert.True(expected == ex.Code, $"expected {expected}, got {ex.Code}: {ex.Message}");
        Assert.Equal(_before, Fingerprint(_engine));
        return ex;
    }

    private static byte[] WithLengths(byte[] valid, long stored, long payload)
    {
        var bytes = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), stored);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), payload);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(44), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, 44)));
        return bytes;
    }

    /// <summary>A read-only stream without seeking, like a network stream.</summary>
    private sealed class NonSeekableStream : MemoryStream
    {
        public NonSeekableStream(byte[] bytes)
            : base(bytes, writable: false)
        {
        }

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
