using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

public class PersistenceTests
{
    private static readonly string[] Users = { "p1", "p2", "p3", "cold" };

    private static void Populate(RecoEngine engine, TestClock clock)
    {
        engine.UpsertItems(TestCatalog.Random(200, 16, seed: 11));
        var rng = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(7));
            var kind = (InteractionKind)rng.Next(0, 8);
            double value = kind == InteractionKind.Play ? rng.Next(0, 3600) : kind == InteractionKind.Rating ? rng.Next(1, 6) : 1;
            engine.Record(new Interaction(Users[rng.Next(0, 3)], $"item-{rng.Next(0, 200):D4}", kind, value));
        }
    }

    private static List<IReadOnlyList<Suggestion>> SuggestAll(RecoEngine engine) => Users.Select(u => engine.Suggest(u, 20)).ToList();

    [Fact]
    public void Reopen_AfterDispose_RestoresIdenticalSuggestionsAndProfiles()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        var options = TestCatalog.Options(folder.File("reco.db"), dimensions: 16, clock: clock);
        List<IReadOnlyList<Suggestion>> before;
        UserProfile p1;
        using (var engine = RecoEngine.Open(options))
        {
            Populate(engine, clock);
            engine.RemoveItem("item-0007");
            before = SuggestAll(engine);
            p1 = engine.GetProfile("p1")!;
        }

        using var reopened = RecoEngine.Open(options);

        Assert.Equal(199, reopened.ItemCount);
        Assert.Equal(3, reopened.UserCount);
        var after = SuggestAll(reopened);
        for (int u = 0; u < Users.Length; u++)
        {
            Assert.Equal(before[u], after[u]);
        }

        var q1 = reopened.GetProfile("p1")!;
        Assert.Equal(p1.Vector, q1.Vector);
        Assert.Equal(p1.InteractionCount, q1.InteractionCount);
        Assert.Equal(p1.PositiveInteractionCount, q1.PositiveInteractionCount);
        Assert.Equal(p1.LastInteraction, q1.LastInteraction);
        Assert.Equal(p1.ConsumedItems, q1.ConsumedItems);
    }

    [Fact]
    public void Reopen_WithDefaultPolicy_NextListsAreTheSameAsWithoutRestart()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        var options = TestCatalog.Options(folder.File("policy.db"), dimensions: 16, clock: clock, pure: false);
        List<IReadOnlyList<Suggestion>> expected;
        using (var engine = RecoEngine.Open(options))
        {
            Populate(engine, clock);
            for (int round = 0; round < 3; round++)
            {
                SuggestAll(engine); // shown lists: recent-list memory and the players' seed streams advance
            }

            // Peeking does not advance anything: it is exactly what the next shown list will be.
            expected = Users.Select(u => engine.Suggest(u, new SuggestOptions { Count = 20, MarkShown = false })).ToList();
        }

        using var reopened = RecoEngine.Open(options);
        var actual = SuggestAll(reopened);
        for (int u = 0; u < 3; u++)
        {
            Assert.Equal(expected[u], actual[u]);
        }
    }

    [Fact]
    public void Suggest_ManyShownLists_CommitNothingUntilFlushWhichStoresThem()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        var options = TestCatalog.Options(folder.File("lists.db"), dimensions: 16, clock: clock, pure: false);
        options.CheckpointInterval = Timeout.InfiniteTimeSpan;
        List<IReadOnlyList<Suggestion>> expected;
        using (var engine = RecoEngine.Open(options))
        {
            Populate(engine, clock);
            engine.Flush();
            int commits = 0;
            engine.Store.FaultInjector = () =>
            {
                Interlocked.Increment(ref commits);
                return null;
            };

            long batches = engine.Store.BatchesBegun;
            for (int round = 0; round < 50; round++)
            {
                SuggestAll(engine);
            }

            Assert.Equal(batches, engine.Store.BatchesBegun); // Suggest queues no write...
            Assert.Equal(0, Volatile.Read(ref commits)); // ...so the writer, woken only by a queued write, stays idle
            expected = Users.Select(u => engine.Suggest(u, new SuggestOptions { Count = 20, MarkShown = false })).ToList();
            engine.Flush();
            Assert.Equal(1, Volatile.Read(ref commits)); // one commit stores every player's lists
        }

        using var reopened = RecoEngine.Open(options);
        var actual = SuggestAll(reopened);
        for (int u = 0; u < 3; u++)
        {
            Assert.Equal(expected[u], actual[u]);
        }
    }

    [Fact]
    public void Flush_EveryRecordedInteractionIsInTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 8)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            for (int i = 0; i < 100; i++)
            {
                engine.Record(new Interaction($"u{i % 3}", $"item-{i % 10:D4}", InteractionKind.Click));
            }

            engine.Flush();
        }

        Assert.Equal(100, StorageInspector.CountInteractions(path));
        Assert.Equal(10, StorageInspector.Count(path, "items"));
    }

    [Fact]
    public void Reopen_IdsTagsAndVariantsAtTheLargestMaxIdBytes_PersistAndReload()
    {
        // LiteDB rejects index keys over 1021 UTF-8 bytes; MaxIdBytes' maximum (1000) must stay below it for every key:
        // item and user ids, the log's user index and variant names (stored behind a 2-byte prefix).
        string item = new string('\u20ac', 333) + "i";                            // 1000 bytes
        string user = string.Concat(Enumerable.Repeat("\uD83D\uDE00", 250));      // 1000 bytes, surrogate pairs
        string variant = new string('\u00e9', 500);                               // 1000 bytes
        var tags = Enumerable.Range(0, 64).Select(i => $"{i:D3}" + new string('t', 997)).ToArray();
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        RecoEngineOptions Options()
        {
            var options = TestCatalog.Options(path);
            options.MaxIdBytes = 1000;
            options.Experiment = new Experiment("e", new[] { new ExperimentVariant(variant, 1), new ExperimentVariant("control", 1e-9) });
            return options;
        }

        using (var engine = RecoEngine.Open(Options()))
        {
            engine.UpsertItem(new ItemDefinition(item, new float[] { 1, 0, 0, 0, 0, 0, 0, 0 }, tags));
            engine.Record(new Interaction(user, item, InteractionKind.Like));
            engine.Flush();
        }

        using var reopened = RecoEngine.Open(Options());
        Assert.True(reopened.ContainsItem(item));
        Assert.Equal(1, reopened.GetProfile(user)!.InteractionCount);
        Assert.Equal(1, reopened.GetEngagement(variant)!.Totals.Interactions);
    }

    [Fact]
    public void ForgetUser_RemovesProfileAndLogRowsFromFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 8)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Record(new Interaction("keep", "item-0001", InteractionKind.Like));
            engine.Record(new Interaction("gone", "item-0002", InteractionKind.Like));
            engine.Record(new Interaction("gone", "item-0003", InteractionKind.Purchase));
            engine.Flush();

            Assert.True(engine.ForgetUser("gone"));
            engine.Flush();
        }

        Assert.Equal(1, StorageInspector.CountInteractions(path));
        Assert.Equal(0, StorageInspector.CountInteractions(path, "gone"));
        using var reopened = RecoEngine.Open(TestCatalog.Options(path, dimensions: 8));
        Assert.Null(reopened.GetProfile("gone"));
        Assert.NotNull(reopened.GetProfile("keep"));
    }

    [Fact]
    public void Open_DimensionsDifferFromFile_ThrowsArgumentNamingDimensions()
    {
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        using (RecoEngine.Open(TestCatalog.Options(path, dimensions: 8)))
        {
        }

        var ex = Assert.Throws<ArgumentException>(() => RecoEngine.Open(TestCatalog.Options(path, dimensions: 16)));
        Assert.Contains("Dimensions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderMissing_ThrowsStorageOpenFailed()
    {
        using var folder = new TempFolder();
        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(Path.Combine(folder.Path, "no", "such", "reco.db"))));
        Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
        Assert.True(ex.IsStorageError);
    }

    [Fact]
    public void Open_NotALiteDbFile_ThrowsStorageOpenFailed()
    {
        using var folder = new TempFolder();
        string path = folder.File("garbage.db");
        File.WriteAllBytes(path, Enumerable.Range(0, 20000).Select(i => (byte)(i * 31)).ToArray());

        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path)));
        Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
    }

    [Fact]
    public void Open_SameFileTwiceInOneProcess_SecondThrowsStorageOpenFailed()
    {
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        using var first = RecoEngine.Open(TestCatalog.Options(path));

        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path)));
        Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
    }
}
