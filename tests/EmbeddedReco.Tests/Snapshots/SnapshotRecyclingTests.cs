using EmbeddedReco.Snapshots;
using EmbeddedReco.Tests.Infrastructure;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>
/// A snapshot load overwrites the arrays of the catalog the previous load replaced when nobody reads them any more (warm memory
/// instead of a fresh large allocation per reload; <see cref="SnapshotOptions.ReuseReplacedCatalog"/>). These tests pin down when
/// that may and may not happen.
/// </summary>
public sealed class SnapshotRecyclingTests
{
    private static (byte[] A, byte[] B) TwoSnapshotsWithTheSameIds() =>
        (SnapshotOf(items: 20, seed: 1, Everything), SnapshotOf(items: 20, seed: 2, Everything));

    [Fact]
    public void LoadSnapshot_SameSizeAsTheCatalogReplacedBefore_ReusesItsArraysAndMatchesAFreshLoad()
    {
        var (a, b) = TwoSnapshotsWithTheSameIds();
        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(a));
        var first = engine.State.Catalog;
        engine.LoadSnapshot(new MemoryStream(b));
        engine.LoadSnapshot(new MemoryStream(a));

        var reloaded = engine.State.Catalog;
        Assert.NotSame(first, reloaded);
        Assert.Same(first.Vectors, reloaded.Vectors);
        Assert.Same(first.Ids, reloaded.Ids);
        Assert.Same(first.Tags, reloaded.Tags);
        Assert.Same(first.IdRank, reloaded.IdRank);
        Assert.Same(first.Counters.PopularityLog2Buffer, reloaded.Counters.PopularityLog2Buffer);
        Assert.Same(first.Index, reloaded.Index);

        using var fresh = TestCatalog.InMemory(Dims);
        fresh.LoadSnapshot(new MemoryStream(a));
        Assert.Equal(Fingerprint(fresh), Fingerprint(engine));
        Assert.Equal(SuggestAll(fresh), SuggestAll(engine));
    }

    [Fact]
    public void LoadSnapshot_ReuseOffOrCatalogChangedSince_AllocatesNewArrays()
    {
        var (a, b) = TwoSnapshotsWithTheSameIds();
        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(a));
        var first = engine.State.Catalog;
        engine.LoadSnapshot(new MemoryStream(b), new SnapshotOptions { ReuseReplacedCatalog = false });
        engine.LoadSnapshot(new MemoryStream(a));
        Assert.NotSame(first.Vectors, engine.State.Catalog.Vectors);

        var second = engine.State.Catalog;
        engine.LoadSnapshot(new MemoryStream(b));
        engine.UpsertItem(new ItemDefinition("item-0000", UnitRows(1), Array.Empty<string>()));
        engine.LoadSnapshot(new MemoryStream(a));
        Assert.NotSame(second.Vectors, engine.State.Catalog.Vectors);
    }

    [Fact]
    public void LoadSnapshot_WhileAReaderIsInsideTheReplacedCatalog_LeavesItsArraysAlone()
    {
        var (a, b) = TwoSnapshotsWithTheSameIds();
        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(a));
        var held = engine.State.EnterCatalog();
        float[] before = held.Vectors.ToArray();

        engine.LoadSnapshot(new MemoryStream(b)); // the held catalog becomes the spare
        engine.LoadSnapshot(new MemoryStream(a)); // ...but a reader is inside: fresh arrays
        Assert.NotSame(held.Vectors, engine.State.Catalog.Vectors);
        Assert.Equal(before, held.Vectors);
        held.Exit();

        // Once the reader has left, a spare is reused again.
        var spare = engine.State.EnterCatalog();
        engine.LoadSnapshot(new MemoryStream(b));
        spare.Exit();
        engine.LoadSnapshot(new MemoryStream(a));
        Assert.Same(spare.Vectors, engine.State.Catalog.Vectors);
    }

    [Fact]
    public void LoadSnapshot_BadFileAfterTakingTheReplacedCatalog_LeavesTheEngineUnchanged()
    {
        var (a, b) = TwoSnapshotsWithTheSameIds();
        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(a));
        engine.LoadSnapshot(new MemoryStream(b));
        byte[] state = Fingerprint(engine);
        var lists = SuggestAll(engine);

        // Parses (the recycled arrays are overwritten) and then fails validation: 20 ids, vectors for 20, a NaN in one row.
        var vectors = UnitRows(20);
        vectors[5 * Dims] = float.NaN;
        var bad = Envelope(CraftPayload(Ids(20), vectors));
        var ex = Assert.Throws<RecoException>(() => engine.LoadSnapshot(new MemoryStream(bad)));
        Assert.Equal(RecoErrorCode.SnapshotInvalid, ex.Code);

        Assert.Equal(state, Fingerprint(engine));
        Assert.Equal(lists, SuggestAll(engine));
        engine.LoadSnapshot(new MemoryStream(a));
        using var fresh = TestCatalog.InMemory(Dims);
        fresh.LoadSnapshot(new MemoryStream(a));
        Assert.Equal(Fingerprint(fresh), Fingerprint(engine));
    }

    [Fact]
    public void LoadSnapshot_RecyclingWhileOthersSuggestAndSave_EveryResultMatchesOneWholeSnapshot()
    {
        // The players' profiles stay fixed (loaded once); three catalogs with the same ids take turns (no profiles in them), so
        // a load recycles the arrays of a catalog with other content, and a list must be exactly the one of a whole catalog:
        // a list mixing rows of two would show recycled arrays being overwritten while read.
        const int Items = 600;
        byte[] profiles = SnapshotOf(Items, seed: 1, Everything);
        var catalogs = Enumerable.Range(1, 3).Select(seed => SnapshotOf(Items, seed, new SnapshotOptions { IncludePopularity = false })).ToList();

        var expected = new List<(string Id, float Score)[]>();
        var vectors = new List<float[]>();
        foreach (var bytes in catalogs)
        {
            using var e = TestCatalog.InMemory(Dims);
            e.LoadSnapshot(new MemoryStream(profiles));
            e.LoadSnapshot(new MemoryStream(bytes));
            var list = Top(e);
            Assert.Equal(list, Top(e)); // stable under repeated calls with the pure test policy
            expected.Add(list);
            vectors.Add(e.State.Catalog.Vectors.ToArray());
        }

        Assert.Equal(3, expected.Select(l => string.Join(",", l)).Distinct().Count());
        using var engine = TestCatalog.InMemory(Dims);
        engine.LoadSnapshot(new MemoryStream(profiles));
        engine.LoadSnapshot(new MemoryStream(catalogs[0]));
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        int suggests = 0, saves = 0;
        var threads = new List<Thread>();
        for (int t = 0; t < 2; t++)
        {
            threads.Add(new Thread(() => Run(() =>
            {
                var list = Top(engine);
                Assert.True(expected.Any(list.SequenceEqual), "a list mixing two catalogs");
                Interlocked.Increment(ref suggests);
            })));
        }

        threads.Add(new Thread(() => Run(() =>
        {
            using var stream = new MemoryStream();
            engine.SaveSnapshot(stream, new SnapshotOptions { IncludePopularity = false });
            stream.Position = 0;
            var saved = SnapshotReader.Read(stream, SnapshotOptions.DefaultMaxSnapshotBytes).ItemVectors;
            Assert.True(vectors.Any(saved.SequenceEqual), "a saved catalog mixing two catalogs");
            Interlocked.Increment(ref saves);
        })));

        threads.ForEach(t => t.Start());
        int recycled = 0;
        var twoAgo = engine.State.Catalog;
        for (int i = 0; i < 400; i++)
        {
            var replaced = engine.State.Catalog;
            engine.LoadSnapshot(new MemoryStream(catalogs[(i + 1) % 3]));
            recycled += ReferenceEquals(engine.State.Catalog.Vectors, twoAgo.Vectors) ? 1 : 0;
            twoAgo = replaced;
        }

        stop.Cancel();
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
        Assert.True(suggests > 0 && saves > 0 && recycled > 0, $"{suggests} suggestions, {saves} saves, {recycled} loads recycled");

        void Run(Action check)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    check();
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        }
    }

    private static (string Id, float Score)[] Top(RecoEngine engine)
    {
        var buffer = new Suggestion[6];
        int n = engine.Suggest("alice", buffer);
        return buffer.Take(n).Select(s => (s.ItemId, s.Score)).ToArray();
    }
}
