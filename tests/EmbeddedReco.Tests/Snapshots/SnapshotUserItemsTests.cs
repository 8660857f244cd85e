using EmbeddedReco.Snapshots;
using static EmbeddedReco.Tests.Snapshots.SnapshotTestData;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>The optional per-player item states of the profiles section, at the format level (writer, reader, validator).</summary>
public sealed class SnapshotUserItemsTests
{
    [Fact]
    public void Read_ModelWithUserItems_RoundTripsEveryField()
    {
        var model = ModelWithItems();
        var read = WriteAndRead(model);
        SnapshotValidator.Validate(read, Dims, 256);

        var a = model.UserItems!;
        var b = read.UserItems!;
        Assert.Equal(a.Counts, b.Counts);
        Assert.Equal(a.ItemIds, b.ItemIds);
        Assert.Equal(a.Weight, b.Weight);
        Assert.Equal(a.WeightTicks, b.WeightTicks);
        Assert.Equal(a.Ignored, b.Ignored);
        Assert.Equal(a.LastShownTicks, b.LastShownTicks);
        Assert.Equal(a.CooldownUntilTicks, b.CooldownUntilTicks);
        Assert.Equal(a.LastTouchTicks, b.LastTouchTicks);
    }

    [Fact]
    public void Read_ProfilesWithoutUserItems_HasNone()
    {
        var model = ModelWithItems();
        model.UserItems = null;
        Assert.Null(WriteAndRead(model).UserItems);
    }

    [Fact]
    public void Validate_BadUserItems_ThrowsInvalid()
    {
        AssertInvalid(m => m.UserItems!.Weight[1] = float.NaN);
        AssertInvalid(m => m.UserItems!.Counts[0] = 5);
        AssertInvalid(m => m.UserItems!.Counts = new[] { 2 });
        AssertInvalid(m => m.UserItems!.ItemIds[1] = m.UserItems.ItemIds[0]);
        AssertInvalid(m => m.UserItems!.Ignored[2] = -1);
        AssertInvalid(m => m.UserItems!.CooldownUntilTicks[0] = -3);
        AssertInvalid(m => m.UserItems!.ItemIds[0] = "");
    }

    private static void AssertInvalid(Action<SnapshotModel> spoil)
    {
        var model = WriteAndRead(ModelWithItems());
        spoil(model);
        var ex = Assert.Throws<RecoException>(() => SnapshotValidator.Validate(model, Dims, 256));
        Assert.Equal(RecoErrorCode.SnapshotInvalid, ex.Code);
    }

    private static SnapshotModel WriteAndRead(SnapshotModel model)
    {
        using var stream = new MemoryStream();
        SnapshotWriter.Write(stream, model, SnapshotCompression.None, SnapshotOptions.DefaultMaxSnapshotBytes);
        stream.Position = 0;
        return SnapshotReader.Read(stream, SnapshotOptions.DefaultMaxSnapshotBytes);
    }

    private static SnapshotModel ModelWithItems()
    {
        var items = SnapshotUserItems.Create(users: 2, total: 3);
        items.Counts[0] = 2;
        items.Counts[1] = 1;
        items.ItemIds[0] = "crafted-000";
        items.ItemIds[1] = "crafted-001";
        items.ItemIds[2] = "crafted-000";
        for (int i = 0; i < 3; i++)
        {
            items.Weight[i] = 0.5f * (i + 1);
            items.WeightTicks[i] = 1000 + i;
            items.Ignored[i] = i;
            items.LastShownTicks[i] = 2000 + i;
            items.CooldownUntilTicks[i] = i == 1 ? 9000 : 0;
            items.LastTouchTicks[i] = 3000 + i;
        }

        return new SnapshotModel
        {
            Dimensions = Dims,
            ItemIds = Ids(2),
            ItemVectors = UnitRows(2),
            ItemTags = new[] { Array.Empty<string>(), new[] { "t" } },
            UserIds = new[] { "u1", "u2" },
            UserVectors = new float[2 * Dims],
            UserLastTicks = new long[] { 5, 6 },
            UserInteractions = new long[] { 3, 1 },
            UserPositives = new long[] { 2, 1 },
            UserConsumed = new[] { new[] { "crafted-001" }, Array.Empty<string>() },
            UserItems = items,
        };
    }
}
