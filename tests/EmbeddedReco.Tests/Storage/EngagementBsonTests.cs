using EmbeddedReco.Engagement;
using EmbeddedReco.Storage;
using LiteDB;

namespace EmbeddedReco.Tests.Storage;

public sealed class EngagementBsonTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).UtcTicks;

    private static EngagementAggregator Sample()
    {
        var agg = new EngagementAggregator();
        agg.Add("u1", "A", InteractionKind.Impression, 1, T0);
        agg.Add("u1", "A", InteractionKind.Play, 90.5, T0 + TimeSpan.TicksPerMinute);
        agg.Add("u1", null, InteractionKind.Click, 1, T0 + TimeSpan.TicksPerHour);
        agg.Add("u2", "B", InteractionKind.Purchase, 1, T0 + TimeSpan.TicksPerDay);
        return agg;
    }

    [Fact]
    public void UserAndVariantDocuments_RoundTripThroughLiteDb_SameReports()
    {
        var agg = Sample();
        var state = agg.Export();
        using var db = new LiteDatabase(new MemoryStream());
        db.GetCollection(EngagementBson.UsersCollection).Insert(state.Users.Select(EngagementBson.User));
        db.GetCollection(EngagementBson.VariantsCollection).Insert(state.Variants.Select(EngagementBson.Variant));

        var restored = new EngagementState();
        foreach (var doc in db.GetCollection(EngagementBson.UsersCollection).FindAll())
        {
            Assert.True(EngagementBson.TryReadUser(doc, out var user));
            restored.Users.Add(user);
        }

        foreach (var doc in db.GetCollection(EngagementBson.VariantsCollection).FindAll())
        {
            Assert.True(EngagementBson.TryReadVariant(doc, out var variant));
            restored.Variants.Add(variant);
        }

        var copy = new EngagementAggregator();
        copy.Import(restored);

        foreach (string v in agg.Variants)
        {
            Assert.Equal(agg.GetReport(v)!.ToString(), copy.GetReport(v)!.ToString());
            Assert.Equal(agg.GetReport(v)!.Days.Count, copy.GetReport(v)!.Days.Count);
        }

        Assert.Equal(agg.GetUser("u1")!.ToString(), copy.GetUser("u1")!.ToString());
        Assert.Equal(agg.UserScores("A"), copy.UserScores("A"));
        Assert.Contains("", copy.Variants);
    }

    [Fact]
    public void TryReadUser_MalformedDocument_ReturnsFalse()
    {
        var doc = EngagementBson.User(Sample().Export().Users[0]);
        doc["sessions"] = -1;
        Assert.False(EngagementBson.TryReadUser(doc, out _));

        var bad = EngagementBson.User(Sample().Export().Users[0]);
        bad["variants"].AsArray[0].AsDocument["c"].AsDocument["score"] = double.NaN;
        Assert.False(EngagementBson.TryReadUser(bad, out _));
    }

    [Fact]
    public void TryReadVariant_WrongIdPrefix_ReturnsFalse()
    {
        var doc = EngagementBson.Variant(Sample().Export().Variants[0]);
        doc["_id"] = "A";
        Assert.False(EngagementBson.TryReadVariant(doc, out _));
    }
}
