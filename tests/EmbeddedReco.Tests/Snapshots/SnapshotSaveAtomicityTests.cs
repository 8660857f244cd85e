using EmbeddedReco.Tests.Infrastructure;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

public sealed class SnapshotSaveAtomicityTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(48)]
    [InlineData(700)]
    public void SaveSnapshot_StreamFailsPartway_LeavesPreviousFileLoadable(int failAfterBytes)
    {
        using var folder = new TempFolder();
        string path = folder.File("model.ersnap");
        using var first = PopulatedEngine(items: 10);
        first.SaveSnapshot(path, Everything);
        var expected = Fingerprint(first);

        using var second = PopulatedEngine(items: 20, seed: 9);
        second.SnapshotFileStreamDecorator = inner => new FailingStream(inner, failAfterBytes);
        var ex = Assert.Throws<RecoException>(() => second.SaveSnapshot(path, Everything));
        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
        Assert.IsType<IOException>(ex.InnerException);

        using var reader = TestCatalog.InMemory(Dims);
        reader.LoadSnapshot(path);
        Assert.Equal(expected, Fingerprint(reader));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path)); // the temp file was cleaned up
    }

    [Fact]
    public void SaveSnapshot_FolderMissing_ThrowsWriteFailed()
    {
        using var folder = new TempFolder();
        using var engine = PopulatedEngine();
        var ex = Assert.Throws<RecoException>(() => engine.SaveSnapshot(Path.Combine(folder.Path, "missing", "model.ersnap")));
        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
    }

    [Fact]
    public void SaveSnapshot_PathHoldsAFileThatIsNotASnapshot_RefusedAndFileUnchanged()
    {
        using var folder = new TempFolder();
        string path = folder.File("notes.txt");
        File.WriteAllText(path, "a player's notes");
        using var engine = PopulatedEngine();

        var ex = Assert.Throws<RecoException>(() => engine.SaveSnapshot(path, Everything));

        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
        Assert.Contains("is not an EmbeddedReco snapshot", ex.Message, StringComparison.Ordinal);
        Assert.Equal("a player's notes", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path)); // no temporary file either
    }

    [Fact]
    public void SaveSnapshot_PathHoldsAShortForeignFile_Refused()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.ersnap");
        File.WriteAllBytes(path, new byte[] { 0x89, (byte)'E' }); // a prefix of the magic is not a snapshot
        using var engine = PopulatedEngine();

        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, Assert.Throws<RecoException>(() => engine.SaveSnapshot(path, Everything)).Code);
        Assert.Equal(2, new FileInfo(path).Length);
    }

    [Fact]
    public void SaveSnapshot_PathHoldsAnEmptyFileOrASnapshot_Replaced()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.ersnap");
        File.WriteAllBytes(path, Array.Empty<byte>()); // e.g. a file the host created with Path.GetTempFileName
        using var first = PopulatedEngine(items: 10);
        first.SaveSnapshot(path, Everything);
        using var second = PopulatedEngine(items: 20, seed: 9);
        second.SaveSnapshot(path, Everything); // over a snapshot

        using var reader = TestCatalog.InMemory(Dims);
        reader.LoadSnapshot(path);
        Assert.Equal(Fingerprint(second), Fingerprint(reader));
    }

    [Fact]
    public void SaveSnapshot_StreamThrows_ThrowsWriteFailed()
    {
        using var engine = PopulatedEngine();
        var ex = Assert.Throws<RecoException>(() => engine.SaveSnapshot(new FailingStream(new MemoryStream(), 100)));
        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
    }

    /// <summary>Passes writes through until a byte budget is spent, then throws like a full disk.</summary>
    private sealed class FailingStream : Stream
    {
        private readonly Stream _inner;
        private long _budget;

        public FailingStream(Stream inner, long budget)
        {
            _inner = inner;
            _budget = budget;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _inner.Length;

        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = (int)Math.Min(buffer.Length, _budget);
            _inner.Write(buffer.Slice(0, allowed));
            _budget -= allowed;
            if (allowed < buffer.Length)
            {
                throw new IOException("Simulated failure: no space left on device.");
            }
        }
    }
}
