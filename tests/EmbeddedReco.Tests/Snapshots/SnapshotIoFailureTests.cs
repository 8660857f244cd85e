using EmbeddedReco.Tests.Infrastructure;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>Every failure of a snapshot's file or stream is a <see cref="RecoException"/> with the original error inside.</summary>
public class SnapshotIoFailureTests
{
    [Fact]
    public void SaveSnapshot_FixedSizeMemoryStream_ThrowsSnapshotWriteFailed()
    {
        using var engine = PopulatedEngine();
        using var tooSmall = new MemoryStream(new byte[64]); // writable, cannot grow

        var ex = Assert.Throws<RecoException>(() => engine.SaveSnapshot(tooSmall));

        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
        Assert.IsType<NotSupportedException>(ex.InnerException);
    }

    [Fact]
    public void SaveSnapshot_StreamDeniesAccess_ThrowsSnapshotWriteFailed()
    {
        using var engine = PopulatedEngine();
        using var stream = new FailingStream(new MemoryStream(), failAfterBytes: 100, new UnauthorizedAccessException("denied (simulated)"));

        var ex = Assert.Throws<RecoException>(() => engine.SaveSnapshot(stream));

        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
        Assert.IsType<UnauthorizedAccessException>(ex.InnerException);
    }

    [Fact]
    public void LoadSnapshot_PathIsADirectory_ThrowsSnapshotReadFailedAndEngineUnchanged()
    {
        using var folder = new TempFolder();
        using var engine = PopulatedEngine();
        var before = Fingerprint(engine);

        var ex = Assert.Throws<RecoException>(() => engine.LoadSnapshot(folder.Path));

        Assert.Equal(RecoErrorCode.SnapshotReadFailed, ex.Code);
        Assert.NotNull(ex.InnerException);
        Assert.False(ex.IsStorageError);
        Assert.Equal(before, Fingerprint(engine));
    }

    [Fact]
    public void LoadSnapshot_MissingFile_ThrowsSnapshotReadFailedWithFileNotFoundInside()
    {
        using var folder = new TempFolder();
        using var engine = PopulatedEngine();

        var ex = Assert.Throws<RecoException>(() => engine.LoadSnapshot(folder.File("missing.ersnap")));

        Assert.Equal(RecoErrorCode.SnapshotReadFailed, ex.Code);
        Assert.IsType<FileNotFoundException>(ex.InnerException);
    }

    [Fact]
    public void LoadSnapshot_StreamFailsMidway_ThrowsSnapshotReadFailedAndEngineUnchanged()
    {
        byte[] valid = SnapshotOf(items: 16, seed: 5, Everything);
        using var engine = PopulatedEngine();
        var before = Fingerprint(engine);
        using var stream = new FailingStream(new MemoryStream(valid), failAfterBytes: valid.Length / 2, new IOException("device error (simulated)"));

        var ex = Assert.Throws<RecoException>(() => engine.LoadSnapshot(stream));

        Assert.Equal(RecoErrorCode.SnapshotReadFailed, ex.Code);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(before, Fingerprint(engine));
    }

    [Fact]
    public void SnapshotMethods_ArgumentErrors_StayArgumentExceptions()
    {
        using var engine = PopulatedEngine();

        Assert.Throws<ArgumentNullException>(() => engine.LoadSnapshot((string)null!));
        Assert.Throws<ArgumentException>(() => engine.LoadSnapshot(" "));
        Assert.Throws<ArgumentNullException>(() => engine.SaveSnapshot((Stream)null!));
        Assert.Throws<ArgumentException>(() => engine.SaveSnapshot(new MemoryStream(new byte[8], writable: false)));
    }

    /// <summary>A stream that throws a given exception once more than a number of bytes went through it.</summary>
    private sealed class FailingStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _failAfter;
        private readonly Exception _error;
        private long _moved;

        public FailingStream(Stream inner, long failAfterBytes, Exception error)
        {
            _inner = inner;
            _failAfter = failAfterBytes;
            _error = error;
        }

        public override bool CanRead => _inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => _inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count)
        {
            Check(count);
            return _inner.Read(buffer, offset, count);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            _inner.Write(buffer, offset, count);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Check(int count)
        {
            _moved += count;
            if (_moved > _failAfter)
            {
                throw _error;
            }
        }
    }
}
