using EmbeddedReco.Export;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Export;

public class EventExportTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static RecoEngine OpenEngine(TempFolder folder, TestClock clock, long maxLogRows = 0)
    {
        var options = TestCatalog.Options(folder.File("reco.db"), dimensions: 8, clock: clock);
        options.MaxInteractionLogRows = maxLogRows;
        var engine = RecoEngine.Open(options);
        if (engine.ItemCount == 0)
        {
            engine.UpsertItems(TestCatalog.Random(20, 8, seed: 3));
        }

        return engine;
    }

    private static void RecordSome(RecoEngine engine, TestClock clock, string user, int count, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            engine.Record(new Interaction(user, TestCatalog.Random(20, 8, seed: 3)[rng.Next(20)].Id, InteractionKind.Click));
        }
    }

    private static List<ExportedEvent> Export(RecoEngine engine, ref long cursor, EventExportOptions? options = null)
    {
        using var stream = new MemoryStream();
        var result = engine.ExportEvents(stream, cursor, options);
        var rows = new List<ExportedEvent>();
        Assert.Equal(result.Rows, EventFile.Read(stream.ToArray(), rows.Add));
        cursor = result.Cursor;
        return rows;
    }

    [Fact]
    public void ExportEvents_InBatches_ReturnsEveryRowOnceInIdOrder()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        using var engine = OpenEngine(folder, clock);
        RecordSome(engine, clock, "alice", 25, 1);
        RecordSome(engine, clock, "bob", 12, 2);
        long cursor = 0;
        var all = new List<ExportedEvent>();
        var options = new EventExportOptions { MaxRows = 10 };
        List<ExportedEvent> batch;
        do
        {
            batch = Export(engine, ref cursor, options);
            all.AddRange(batch);
        }
        while (batch.Count > 0);

        Assert.Equal(37, all.Count);
        Assert.Equal(Enumerable.Range(1, 37).Select(i => (long)i), all.Select(e => e.Id));
        Assert.Equal(25, all.Count(e => e.UserId == "alice"));
        Assert.All(all, e => Assert.Equal(InteractionKind.Click, e.Kind));
    }

    [Fact]
    public void ExportEvents_CursorNotAdvanced_ExportsTheSameRowsAgain()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        using var engine = OpenEngine(folder, clock);
        RecordSome(engine, clock, "alice", 5, 1);
        long cursor = 0;
        var first = Export(engine, ref cursor);
        long retry = 0;
        var again = Export(engine, ref retry); // the upload failed: the host exports from its old cursor
        Assert.Equal(first.Select(e => (e.Id, e.ItemId, e.Ticks)), again.Select(e => (e.Id, e.ItemId, e.Ticks)));
    }

    [Fact]
    public void ExportEvents_AfterReopen_ResumesFromTheHostsCursor()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        long cursor = 0;
        using (var engine = OpenEngine(folder, clock))
        {
            RecordSome(engine, clock, "alice", 6, 1);
            Assert.Equal(6, Export(engine, ref cursor).Count);
            engine.ConfirmExported(cursor);
            RecordSome(engine, clock, "alice", 3, 2);
        }

        using var reopened = OpenEngine(folder, clock);
        var rows = Export(reopened, ref cursor);
        Assert.Equal(new long[] { 7, 8, 9 }, rows.Select(e => e.Id));
    }

    [Fact]
    public void ConfirmExported_NewestRowsPruned_IdsStayMonotonicAfterReopen()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        long cursor = 0;
        using (var engine = OpenEngine(folder, clock))
        {
            RecordSome(engine, clock, "alice", 4, 1);
            Export(engine, ref cursor);
            engine.ConfirmExported(cursor);
            engine.Flush();
        }

        using var reopened = OpenEngine(folder, clock);
        RecordSome(reopened, clock, "alice", 2, 2);
        var rows = Export(reopened, ref cursor);
        Assert.Equal(new long[] { 5, 6 }, rows.Select(e => e.Id));
    }

    [Fact]
    public void ConfirmExported_ConfirmedRows_AreDeletedFromTheFile()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        using var engine = OpenEngine(folder, clock);
        RecordSome(engine, clock, "alice", 10, 1);
        long cursor = 0;
        Export(engine, ref cursor, new EventExportOptions { MaxRows = 6 });
        engine.ConfirmExported(cursor);
        long all = 0;
        var left = Export(engine, ref all);
        Assert.Equal(new long[] { 7, 8, 9, 10 }, left.Select(e => e.Id));
    }

    [Fact]
    public void MaxInteractionLogRows_OverTheCap_KeepsOnlyTheNewestRows()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        using var engine = OpenEngine(folder, clock, maxLogRows: 5);
        RecordSome(engine, clock, "alice", 12, 1);
        engine.Flush(); // a checkpoint applies the cap
        long cursor = 0;
        var rows = Export(engine, ref cursor);
        Assert.Equal(new long[] { 8, 9, 10, 11, 12 }, rows.Select(e => e.Id));
    }

    [Fact]
    public void ExportEvents_AfterForgetUser_HasNoRowOfThatPlayer()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        using var engine = OpenEngine(folder, clock);
        RecordSome(engine, clock, "alice", 5, 1);
        RecordSome(engine, clock, "bob", 5, 2);
        Assert.True(engine.ForgetUser("alice"));
        long cursor = 0;
        var rows = Export(engine, ref cursor);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, e => Assert.Equal("bob", e.UserId));
    }

    [Fact]
    public void ExportEvents_WithPseudonymKey_WritesTheKeyedHashOfThePlayer()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        using var engine = OpenEngine(folder, clock);
        RecordSome(engine, clock, "alice", 3, 1);
        long cursor = 0;
        var rows = Export(engine, ref cursor, new EventExportOptions { PseudonymKey = Key });
        string expected = EventExport.Pseudonymize("alice", Key);
        Assert.All(rows, e => Assert.Equal(expected, e.UserId));
        Assert.Equal(33, expected.Length);
        Assert.NotEqual(expected, EventExport.Pseudonymize("alice", Key.Reverse().ToArray()));
    }

    [Fact]
    public void ExportEvents_CursorBeyondTheLog_Throws()
    {
        using var engine = TestCatalog.InMemory();
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ExportEvents(new MemoryStream(), 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ConfirmExported(-1));
        Assert.Throws<ArgumentException>(() => engine.ExportEvents(new MemoryStream(), 0, new EventExportOptions { PseudonymKey = new byte[4] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ExportEvents(new MemoryStream(), 0, new EventExportOptions { MaxRows = 0 }));
    }

    [Fact]
    public void EventFileRead_CorruptBytes_ThrowsInvalidData()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(5, 8));
        engine.Record(new Interaction("u", TestCatalog.Random(5, 8)[0].Id, InteractionKind.Like));
        using var stream = new MemoryStream();
        engine.ExportEvents(stream, 0);
        byte[] bytes = stream.ToArray();
        Assert.Throws<InvalidDataException>(() => EventFile.Read(bytes.AsMemory(0, bytes.Length - 3), _ => { }));
        bytes[2] ^= 0x55;
        Assert.Throws<InvalidDataException>(() => EventFile.Read(bytes, _ => { }));
    }

    [Fact]
    public void RecordShown_ListFromSuggest_ExportsEachSlotsSourcePropensityAndVariant()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        var options = TestCatalog.Options(folder.File("shown.db"), dimensions: 8, clock: clock);
        options.Experiment = new Experiment("shelf", new[] { new ExperimentVariant("a", 1), new ExperimentVariant("b", 1) });
        options.Policy = new PolicyOptions { Epsilon = 0.5 };
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(20, 8, seed: 3));
        engine.Record(new Interaction("p", "item-0001", InteractionKind.Like));
        var shelf = new Suggestion[6];
        int n = engine.Suggest("p", shelf);

        Assert.True(engine.RecordShown("p", shelf.AsSpan(0, n)));
        long cursor = 0;
        var rows = Export(engine, ref cursor);

        Assert.Equal(1 + n, rows.Count);
        var like = rows[0];
        Assert.Equal(InteractionKind.Like, like.Kind);
        Assert.Null(like.Source);
        Assert.Null(like.Propensity);
        string variant = options.Experiment.Assign("p").Name;
        Assert.All(rows, r => Assert.Equal(variant, r.Variant));
        for (int i = 0; i < n; i++)
        {
            var row = rows[1 + i];
            Assert.Equal(InteractionKind.Impression, row.Kind);
            Assert.Equal(shelf[i].ItemId, row.ItemId);
            Assert.Equal(shelf[i].Source, row.Source);
            Assert.Equal(shelf[i].Propensity, row.Propensity);
        }

        Assert.Contains(rows, r => r.Source == SuggestionSource.Explore); // epsilon 0.5 over six slots: the test covers both kinds
        Assert.Equal(1 + n, engine.GetProfile("p")!.InteractionCount);
    }

    [Fact]
    public void RecordShown_EmptySuggestionOrBadUser_ThrowsAndRecordsNothing()
    {
        using var engine = TestCatalog.InMemory();
        engine.UpsertItems(TestCatalog.Random(20, 8, seed: 3));
        var shelf = engine.Suggest("p", 3).ToArray();
        var withEmpty = new[] { shelf[0], default };

        var ex = Assert.Throws<ArgumentException>(() => engine.RecordShown("p", withEmpty));
        Assert.Equal("shown", ex.ParamName);
        Assert.Throws<ArgumentNullException>(() => engine.RecordShown(null!, shelf));
        Assert.Throws<ArgumentException>(() => engine.RecordShown("", shelf));
        Assert.True(engine.RecordShown("p", ReadOnlySpan<Suggestion>.Empty));
        Assert.Null(engine.GetProfile("p"));
    }

    [Fact]
    public void EventFile_VersionOneBatch_IsStillRead()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new MessagePack.MessagePackWriter(buffer);
        w.WriteMapHeader(4);
        w.Write("format");
        w.Write(EventExport.FormatName);
        w.Write("version");
        w.Write(1);
        w.Write("count");
        w.Write(1);
        w.Write("pseudonymized");
        w.Write(false);
        w.WriteArrayHeader(6);
        w.Write(7L);
        w.Write("u");
        w.Write("item-0001");
        w.Write((int)InteractionKind.Click);
        w.Write(1.0);
        w.Write(123L);
        w.Flush();
        var rows = new List<ExportedEvent>();

        Assert.Equal(1, EventFile.Read(buffer.WrittenMemory, rows.Add));
        Assert.Equal(7, rows[0].Id);
        Assert.Equal(InteractionKind.Click, rows[0].Kind);
        Assert.Null(rows[0].Variant);
        Assert.Null(rows[0].Propensity);
    }
}
