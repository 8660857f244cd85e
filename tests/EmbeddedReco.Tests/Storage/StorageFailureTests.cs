using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

public class StorageFailureTests
{
    [Fact]
    public void Flush_WriteFails_ThrowsStorageWriteFailedThenRetrySucceedsWithoutLoss()
    {
        using var folder = new TempFolder();
        string path = folder.File("reco.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path)))
        {
            engine.UpsertItems(TestCatalog.Random(10, 8));
            engine.Flush();
            bool failing = true;
            engine.Store.FaultInjector = () => failing ? new IOException("No space left on device (simulated)") : null;

            engine.Record(new Interaction("u1", "item-0001", InteractionKind.Like));
            var ex = Assert.Throws<RecoException>(() => engine.Flush());
            Assert.Equal(RecoErrorCode.StorageWriteFailed, ex.Code);
            Assert.IsType<IOException>(ex.InnerException);

            // While faulted, changes are refused (nothing is half-applied) and memory stays consistent.
            var refused = Assert.Throws<RecoException>(() => engine.Record(new Interaction("u1", "item-0002", InteractionKind.Like)));
            Assert.Equal(RecoErrorCode.StorageWriteFailed, refused.Code);
            Assert.Equal(1, engine.GetProfile("u1")!.InteractionCount);
            Assert.Equal(SuggestionSource.Personalized, engine.Suggest("u1")[0].Source);

            // The disk recovers: the next Flush replays the kept writes.
            failing = false;
            engine.Flush();
            engine.Record(new Interaction("u1", "item-0003", InteractionKind.Click));
            engine.Flush();
        }

        Assert.Equal(2, StorageInspector.CountInteractions(path, "u1"));
        using var reopened = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Equal(2, reopened.GetProfile("u1")!.InteractionCount);
    }

    [Fact]
    public void Suggest_RecordShownAsImpressionsWhileStoreFaulted_ServesListAndSkipsImpressions()
    {
        using var folder = new TempFolder();
        var options = TestCatalog.Options(folder.File("reco.db"));
        options.Policy.RecordShownAsImpressions = true;
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(10, 8));
        engine.Record(new Interaction("u1", "item-0001", InteractionKind.Like));
        engine.Flush();
        bool failing = true;
        engine.Store.FaultInjector = () => failing ? new IOException("No space left on device (simulated)") : null;
        engine.Record(new Interaction("u1", "item-0002", InteractionKind.Like));
        Assert.Throws<RecoException>(() => engine.Flush());

        var list = engine.Suggest("u1", 3);

        Assert.Equal(3, list.Count);
        Assert.Equal(2, engine.GetProfile("u1")!.InteractionCount); // the impressions were skipped, not half-applied
        Assert.Equal(3, engine.SkippedImpressions);

        failing = false;
        engine.Flush();
        engine.Suggest("u1", 3);
        Assert.Equal(5, engine.GetProfile("u1")!.InteractionCount); // recorded again once the store is healthy
    }
}
