using EmbeddedReco.Tests.Infrastructure;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

public sealed class SnapshotRoundTripTests
{
    [Theory]
    [InlineData(SnapshotCompression.None)]
    [InlineData(SnapshotCompression.Lz4)]
    public void LoadSnapshot_IntoFreshEngine_SuggestionsAndEveryFieldEqual(SnapshotCompression compression)
    {
        var clock = new TestClock();
        using var source = PopulatedEngine(clock);
        var bytes = Save(source, new SnapshotOptions { IncludeProfiles = true, Compression = compression });

        using var target = TestCatalog.InMemory(Dims, clock);
        target.LoadSnapshot(new MemoryStream(bytes));

        Assert.Equal(Fingerprint(source), Fingerprint(target));
        Assert.Equal(source.ItemCount, target.ItemCount);
        Assert.Equal(source.UserCount, target.UserCount);
        var before = SuggestAll(source);
        var after = SuggestAll(target);
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i], after[i]);
        }

        foreach (string user in Users)
        {
            var a = source.GetProfile(user)!;
            var b = target.GetProfile(user)!;
            Assert.Equal(a.Vector, b.Vector);
            Assert.Equal(a.InteractionCount, b.InteractionCount);
            Assert.Equal(a.PositiveInteractionCount, b.PositiveInteractionCount);
            Assert.Equal(a.LastInteraction, b.LastInteraction);
            Assert.Equal(a.ConsumedItems, b.ConsumedItems);
        }
    }

    [Fact]
    public void SaveSnapshot_SameState_WritesIdenticalBytes()
    {
        using var a = PopulatedEngine();
        using var b = PopulatedEngine();
        Assert.Equal(Save(a, Everything), Save(b, Everything));
    }

    [Fact]
    public void SaveSnapshot_Lz4_IsSmallerForRepetitiveContent()
    {
        using var engine = PopulatedEngine(items: 400);
        var plain = Save(engine, Everything);
        var packed = Save(engine, new SnapshotOptions { IncludeProfiles = true, Compression = SnapshotCompression.Lz4 });
        Assert.True(packed.Length < plain.Length, $"{packed.Length} >= {plain.Length}");
    }

    [Fact]
    public void LoadSnapshot_WithoutProfiles_KeepsExistingProfiles()
    {
        var clock = new TestClock();
        using var source = PopulatedEngine(clock);
        var catalogOnly = Save(source); // default: no profiles

        using var target = PopulatedEngine(new TestClock(), items: 30, seed: 3);
        var aliceBefore = target.GetProfile("alice")!;
        int usersBefore = target.UserCount;
        target.LoadSnapshot(new MemoryStream(catalogOnly));

        Assert.Equal(usersBefore, target.UserCount);
        Assert.Equal(aliceBefore.Vector, target.GetProfile("alice")!.Vector);
        Assert.Equal(20, target.ItemCount);
        Assert.False(target.ContainsItem("item-0025"));
    }

    [Fact]
    public void LoadSnapshot_WithProfiles_ReplacesAllProfiles()
    {
        using var source = TestCatalog.InMemory(Dims);
        source.UpsertItems(TestCatalog.Random(5, Dims));
        source.Record(new Interaction("zoe", "item-0001", InteractionKind.Like, 1, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var bytes = Save(source, Everything);

        using var target = PopulatedEngine();
        target.LoadSnapshot(new MemoryStream(bytes));

        Assert.Equal(1, target.UserCount);
        Assert.NotNull(target.GetProfile("zoe"));
        Assert.Null(target.GetProfile("alice"));
    }

    [Fact]
    public void LoadSnapshot_WithoutPopularity_KeepsCountersOfItemsThatStay()
    {
        var clock = new TestClock();
        using var target = PopulatedEngine(clock);
        var fresh = Save(target, new SnapshotOptions { IncludePopularity = false });
        var before = target.Suggest("stranger", 5).ToArray();

        target.LoadSnapshot(new MemoryStream(fresh));

        Assert.Equal(before, target.Suggest("stranger", 5).ToArray());
    }

    [Fact]
    public void LoadSnapshot_FileBackedEngine_PersistsNewStateAndRemovals()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        byte[] bytes;
        using (var source = PopulatedEngine(clock, items: 12))
        {
            bytes = Save(source, Everything);
        }

        string db = folder.File("reco.db");
        byte[] expected;
        using (var engine = PopulatedEngine(new TestClock(), db, items: 25, seed: 3))
        {
            engine.Record(new Interaction("only-in-db", "item-0001", InteractionKind.Click, 1, clock.Now));
            engine.Flush();
            engine.LoadSnapshot(new MemoryStream(bytes));
            engine.Flush();
            expected = Fingerprint(engine);
        }

        using var reopened = RecoEngine.Open(TestCatalog.Options(db, Dims, clock));
        Assert.Equal(12, reopened.ItemCount);
        Assert.False(reopened.ContainsItem("item-0020"));
        Assert.Null(reopened.GetProfile("only-in-db"));
        Assert.Equal(expected, Fingerprint(reopened));
    }

    [Fact]
    public void SaveSnapshot_ToPath_ThenLoadFromPath_RoundTrips()
    {
        using var folder = new TempFolder();
        using var source = PopulatedEngine();
        string path = folder.File("model.ersnap");
        source.SaveSnapshot(path, Everything);
        source.SaveSnapshot(path, Everything); // replaces an existing file

        using var target = TestCatalog.InMemory(Dims);
        target.LoadSnapshot(path);
        Assert.Equal(Fingerprint(source), Fingerprint(target));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void SaveSnapshot_OverCap_ThrowsTooLargeAndWritesNothing()
    {
        using var engine = PopulatedEngine();
        using var stream = new MemoryStream();
        var ex = Assert.Throws<RecoException>(() => engine.SaveSnapshot(stream, new SnapshotOptions { MaxSnapshotBytes = 200 }));
        Assert.Equal(RecoErrorCode.SnapshotTooLarge, ex.Code);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void SaveSnapshot_BadArguments_ThrowArgumentExceptions()
    {
        using var engine = PopulatedEngine();
        Assert.Throws<ArgumentNullException>(() => engine.SaveSnapshot((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => engine.LoadSnapshot((string)null!));
        Assert.Throws<ArgumentException>(() => engine.SaveSnapshot(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SaveSnapshot(new MemoryStream(), new SnapshotOptions { MaxSnapshotBytes = 0 }));
        Assert.Throws<ArgumentException>(() => engine.SaveSnapshot(new MemoryStream(), new SnapshotOptions { Compression = (SnapshotCompression)9 }));
        Assert.Throws<ArgumentException>(() => engine.LoadSnapshot(new WriteOnlyStream()));
    }

    [Fact]
    public void SaveSnapshot_Disposed_ThrowsObjectDisposed()
    {
        var engine = PopulatedEngine();
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.SaveSnapshot(new MemoryStream()));
        Assert.Throws<ObjectDisposedException>(() => engine.LoadSnapshot(new MemoryStream()));
    }

    private sealed class WriteOnlyStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
