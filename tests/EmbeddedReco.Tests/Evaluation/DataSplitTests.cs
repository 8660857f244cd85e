using EmbeddedReco.Evaluation;

namespace EmbeddedReco.Tests.Evaluation;

public sealed class DataSplitTests
{
    private static List<Interaction> Data()
    {
        var list = new List<Interaction>();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int u = 0; u < 20; u++)
        {
            for (int i = 0; i < 4 + u; i++)
            {
                list.Add(new Interaction($"u{u}", $"i{(i * 7) + u}", InteractionKind.Rating, 4, t0.AddMinutes(i)));
            }
        }

        // A duplicate pair: both interactions must stay together.
        list.Add(new Interaction("u0", "i0", InteractionKind.Click, 1, t0));
        return list;
    }

    [Fact]
    public void StratifiedRandom_Ratio_PerUserCountsAndNoPairOnBothSides()
    {
        var split = DataSplit.StratifiedRandom(Data(), 0.75, seed: 42);

        foreach (var user in Data().Select(x => x.UserId).Distinct())
        {
            var trainPairs = split.Train.Where(x => x.UserId == user).Select(x => x.ItemId).Distinct().ToList();
            var testPairs = split.Test.Where(x => x.UserId == user).Select(x => x.ItemId).Distinct().ToList();
            int n = trainPairs.Count + testPairs.Count;
            Assert.Equal((int)Math.Round(0.75 * n, MidpointRounding.ToEven), trainPairs.Count);
            Assert.Empty(trainPairs.Intersect(testPairs));
        }

        Assert.Equal(Data().Count, split.Train.Count + split.Test.Count);
    }

    [Fact]
    public void StratifiedRandom_SameSeedShuffledInput_SameSplit()
    {
        var data = Data();
        var shuffled = data.OrderBy(x => DataSplit.StableHash(x.ItemId + x.UserId)).ToList();

        var a = DataSplit.StratifiedRandom(data, 0.75, 42);
        var b = DataSplit.StratifiedRandom(shuffled, 0.75, 42);
        var c = DataSplit.StratifiedRandom(data, 0.75, 43);

        static string Key(DataSplit s) => string.Join(";", s.Test.Select(x => x.UserId + "/" + x.ItemId).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(Key(a), Key(b));
        Assert.NotEqual(Key(a), Key(c));
    }

    [Fact]
    public void StratifiedRandom_RatioOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.StratifiedRandom(Data(), 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.StratifiedRandom(Data(), 0, 1));
    }

    [Fact]
    public void LeaveLastOut_LatestItemPerUserHeldOut()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var data = new[]
        {
            new Interaction("a", "x", InteractionKind.Click, 1, t.AddDays(3)),
            new Interaction("a", "y", InteractionKind.Click, 1, t.AddDays(5)),
            new Interaction("a", "z", InteractionKind.Click, 1, t.AddDays(4)),
            new Interaction("a", "x", InteractionKind.Click, 1, t.AddDays(1)),
            new Interaction("b", "p", InteractionKind.Click, 1, t),
            new Interaction("c", "q", InteractionKind.Click, 1, t),
            new Interaction("c", "r", InteractionKind.Click, 1, t),
        };

        var split = DataSplit.LeaveLastOut(data);

        Assert.Equal(new[] { "a/y", "c/r" }, split.Test.Select(x => x.UserId + "/" + x.ItemId));
        Assert.Equal(5, split.Train.Count);
    }

    [Fact]
    public void Explicit_CopiesLists()
    {
        var train = new List<Interaction> { new("u", "a", InteractionKind.Like) };
        var split = DataSplit.Explicit(train, new[] { new Interaction("u", "b", InteractionKind.Like) });
        train.Clear();

        Assert.Single(split.Train);
        Assert.Single(split.Test);
    }
}
