using EmbeddedReco.Snapshots;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>Ids and tags of a snapshot are written to the database: the loader holds them to the API's rules.</summary>
public class SnapshotTextValidationTests
{
    private static readonly Dictionary<string, Action<SnapshotModel>> Spoilers = new()
    {
        ["item id"] = m => m.ItemIds[1] = "crafted\uD800",
        ["user id"] = m => m.UserIds![0] = "\uDC00alice",
        ["consumed item id"] = m => m.UserConsumed![0] = new[] { "crafted-\uD83D" },
        ["item-state item id"] = m => m.UserItems!.ItemIds[0] = "x\uDFFFy",
        ["tag with a surrogate"] = m => m.ItemTags[0] = new[] { "fire\uD800" },
        ["tag over the id limit"] = m => m.ItemTags[0] = new[] { new string('t', 257) },
        ["65 tags"] = m => m.ItemTags[0] = Enumerable.Range(0, 65).Select(i => $"t{i}").ToArray(),
    };

    [Theory]
    [InlineData("item id")]
    [InlineData("user id")]
    [InlineData("consumed item id")]
    [InlineData("item-state item id")]
    [InlineData("tag with a surrogate")]
    [InlineData("tag over the id limit")]
    [InlineData("65 tags")]
    public void Validate_IllFormedOrOversizedText_ThrowsSnapshotInvalid(string what)
    {
        var model = ValidModel();
        SnapshotValidator.Validate(model, Dims, 256);
        Spoilers[what](model);

        var ex = Assert.Throws<RecoException>(() => SnapshotValidator.Validate(model, Dims, 256));

        Assert.Equal(RecoErrorCode.SnapshotInvalid, ex.Code);
    }

    [Fact]
    public void LoadSnapshot_ItemWithSixtyFiveTags_ThrowsSnapshotInvalidAndEngineUnchanged()
    {
        var model = ValidModel();
        model.ItemTags[0] = Enumerable.Range(0, 65).Select(i => $"t{i}").ToArray();
        using var file = new MemoryStream();
        SnapshotWriter.Write(file, model, SnapshotCompression.None, SnapshotOptions.DefaultMaxSnapshotBytes);
        using var engine = PopulatedEngine();
        var before = Fingerprint(engine);
        file.Position = 0;

        var ex = Assert.Throws<RecoException>(() => engine.LoadSnapshot(file));

        Assert.Equal(RecoErrorCode.SnapshotInvalid, ex.Code);
        Assert.Contains("65 tags", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(engine));
    }

    private static SnapshotModel ValidModel()
    {
        var items = SnapshotUserItems.Create(users: 1, total: 1);
        items.Counts[0] = 1;
        items.ItemIds[0] = "crafted-000";
        return new SnapshotModel
        {
            Dimensions = Dims,
            ItemIds = Ids(2),
            ItemVectors = UnitRows(2),
            ItemTags = new[] { new[] { "t" }, Array.Empty<string>() },
            UserIds = new[] { "alice" },
            UserVectors = new float[Dims],
            UserLastTicks = new long[] { 5 },
            UserInteractions = new long[] { 1 },
            UserPositives = new long[] { 1 },
            UserConsumed = new[] { new[] { "crafted-001" } },
            UserItems = items,
        };
    }
}
