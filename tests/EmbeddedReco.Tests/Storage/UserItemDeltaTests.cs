using EmbeddedReco.Profiles;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>A player's per-item states are documents of their own: written as deltas, deleted when evicted, reloaded in order.</summary>
public class UserItemDeltaTests
{
    [Fact]
    public void Reopen_PlayerBeyondTheHistoryCap_SameListsAndEvictedStatesDeletedFromTheFile()
    {
        using var folder = new TempFolder();
        var clock = new TestClock();
        string path = folder.File("history.db");
        var options = TestCatalog.Options(path, dimensions: 8, clock: clock);
        int items = UserState.MaxItems + 60;
        List<Suggestion> before;
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(TestCatalog.Random(items, 8, seed: 4));
            for (int i = 0; i < items - 20; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                engine.Record(new Interaction("collector", $"item-{i:D4}", i % 7 == 0 ? InteractionKind.Like : InteractionKind.Click));
            }

            before = engine.Suggest("collector", 20).ToList();
        }

        Assert.Equal(UserState.MaxItems, StorageInspector.Count(path, "user_items"));
        using var reopened = RecoEngine.Open(options);
        Assert.Equal(before, reopened.Suggest("collector", 20).ToList());
    }

    [Fact]
    public void ForgetUser_DeletesTheStatesOfThePlayerOnly()
    {
        using var folder = new TempFolder();
        string path = folder.File("forget-states.db");
        using (var engine = RecoEngine.Open(TestCatalog.Options(path)))
        {
            engine.UpsertItems(TestCatalog.Random(20, 8));
            for (int i = 0; i < 10; i++)
            {
                engine.Record(new Interaction("gone", $"item-{i:D4}", InteractionKind.Click));
                engine.Record(new Interaction("stays", $"item-{i + 5:D4}", InteractionKind.Click));
            }

            engine.ForgetUser("gone");
        }

        Assert.Equal(10, StorageInspector.Count(path, "user_items"));
        using var reopened = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Null(reopened.GetProfile("gone"));
        Assert.Equal(10, reopened.GetProfile("stays")!.InteractionCount);
    }
}
