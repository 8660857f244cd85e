using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>Ids are compared ordinally everywhere, on disk too: ids that differ only by case or normalization stay apart.</summary>
public class OrdinalIdTests
{
    public static TheoryData<string, string> Pairs => new()
    {
        { "Alice", "ALICE" },
        { "caf\u00e9", "cafe\u0301" }, // composed and decomposed é
        { "bob", "bob\u0000" },        // a trailing NUL
        { "eve", "e\u200Bve" },        // a zero-width space
        { "straße", "strasse" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Reopen_PlayersWhoseIdsDifferOnlyByCaseOrNormalization_AreBothKept(string a, string b)
    {
        using var folder = new TempFolder();
        var options = TestCatalog.Options(folder.File("ids.db"));
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(TestCatalog.Random(5, 8));
            engine.Record(new Interaction(a, "item-0001", InteractionKind.Like));
            engine.Record(new Interaction(b, "item-0002", InteractionKind.Click));
            engine.Record(new Interaction(b, "item-0003", InteractionKind.Click));
        }

        using var reopened = RecoEngine.Open(options);
        Assert.Equal(2, reopened.UserCount);
        Assert.Equal(1, reopened.GetProfile(a)!.InteractionCount);
        Assert.Equal(2, reopened.GetProfile(b)!.InteractionCount);
        reopened.Dispose();
        Assert.Equal(1, StorageInspector.CountInteractions(options.DatabasePath!, a));
        Assert.Equal(2, StorageInspector.CountInteractions(options.DatabasePath!, b));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Reopen_ItemsWhoseIdsDifferOnlyByCaseOrNormalization_AreBothKept(string a, string b)
    {
        using var folder = new TempFolder();
        var options = TestCatalog.Options(folder.File("items.db"));
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(new[]
            {
                new ItemDefinition(a, new float[] { 1, 0, 0, 0, 0, 0, 0, 0 }),
                new ItemDefinition(b, new float[] { 0, 1, 0, 0, 0, 0, 0, 0 }),
            });
        }

        using var reopened = RecoEngine.Open(options);
        Assert.Equal(2, reopened.ItemCount);
        Assert.True(reopened.ContainsItem(a));
        Assert.True(reopened.ContainsItem(b));
    }

    [Fact]
    public void ForgetUser_AnIdDifferingOnlyByCase_LeavesTheStoredPlayerAndLogAlone()
    {
        using var folder = new TempFolder();
        var options = TestCatalog.Options(folder.File("forget.db"));
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(TestCatalog.Random(5, 8));
            engine.Record(new Interaction("Alice", "item-0001", InteractionKind.Like));
            Assert.False(engine.ForgetUser("ALICE"));
        }

        using (var reopened = RecoEngine.Open(options))
        {
            Assert.Equal(1, reopened.GetProfile("Alice")!.InteractionCount);
        }

        Assert.Equal(1, StorageInspector.CountInteractions(options.DatabasePath!, "Alice"));
    }
}
