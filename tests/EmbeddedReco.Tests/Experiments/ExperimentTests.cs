using EmbeddedReco.Common;
using EmbeddedReco.Experiments;

namespace EmbeddedReco.Tests.Experiments;

public sealed class ExperimentTests
{
    private static Experiment ThreeWay(string name = "shop-layout") => new(name, new[]
    {
        new ExperimentVariant("control", 1),
        new ExperimentVariant("explore", 1, new VariantSettings(epsilon: 0.1, diversity: 0.7)),
        new ExperimentVariant("popular", 1, new VariantSettings(popularityOnly: true)),
    });

    [Fact]
    public void Fnv1a64_KnownVectors_MatchReference()
    {
        // Test vectors of the FNV reference implementation (Fowler/Noll/Vo, "FNV-1a 64-bit": "" , "a", "foobar").
        Assert.Equal(0xcbf29ce484222325UL, StableHash.AppendUtf8(StableHash.OffsetBasis, ""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, StableHash.AppendUtf8(StableHash.OffsetBasis, "a"));
        Assert.Equal(0x85944171f73967e8UL, StableHash.AppendUtf8(StableHash.OffsetBasis, "foobar"));
    }

    [Theory]
    // Expected values computed independently with a 10-line Python implementation of the documented hash
    // (FNV-1a 64 over UTF-8 of name + "\n" + user, MurmurHash3 fmix64, top 53 bits / 2^53).
    [InlineData("shop-layout", "player-1", 0.13111764018348704)]
    [InlineData("shop-layout", "player-2", 0.3838135472203771)]
    [InlineData("shop-layout", "player-3", 0.5092609729507569)]
    [InlineData("shop-layout", "jöstein", 0.2603482256196713)]
    [InlineData("feed", "player-1", 0.948310419273664)]
    public void Bucket_KnownUsers_ArePinned(string experiment, string user, double expected)
    {
        Assert.Equal(expected, Experiment.Bucket(experiment, user));
    }

    [Theory]
    [InlineData("player-1", "control")]
    [InlineData("player-2", "explore")]
    [InlineData("player-3", "explore")]
    [InlineData("jöstein", "control")]
    public void Assign_KnownUsers_ArePinned(string user, string expected)
    {
        Assert.Equal(expected, ThreeWay().Assign(user).Name);
    }

    [Fact]
    public void Assign_SameUserTwoInstances_SameVariant()
    {
        var a = ThreeWay();
        var b = ThreeWay();
        for (int i = 0; i < 1000; i++)
        {
            Assert.Same(a.Variants[a.AssignIndex($"u{i}")], a.Assign($"u{i}"));
            Assert.Equal(a.AssignIndex($"u{i}"), b.AssignIndex($"u{i}"));
        }
    }

    [Fact]
    public void Assign_ManyUsers_BalancedByShare()
    {
        var experiment = new Experiment("balance", new[]
        {
            new ExperimentVariant("a", 1),
            new ExperimentVariant("b", 1),
            new ExperimentVariant("c", 2),
        });
        const int users = 100_000;
        var counts = new int[3];
        for (int i = 0; i < users; i++)
        {
            counts[experiment.AssignIndex($"player-{i}")]++;
        }

        // Expected 25% / 25% / 50%; binomial sd at n=1e5 is ~0.14-0.16%, so 1% is > 6 sd.
        Assert.InRange(counts[0] / (double)users, 0.24, 0.26);
        Assert.InRange(counts[1] / (double)users, 0.24, 0.26);
        Assert.InRange(counts[2] / (double)users, 0.49, 0.51);
        Assert.Equal(0.25, experiment.NormalizedShare(0), 12);
        Assert.Equal(0.5, experiment.NormalizedShare(2), 12);
    }

    [Fact]
    public void Assign_TwoExperiments_AreIndependent()
    {
        var first = ThreeWay("first");
        var second = ThreeWay("second");
        var joint = new int[3, 3];
        const int users = 30_000;
        for (int i = 0; i < users; i++)
        {
            joint[first.AssignIndex($"p{i}"), second.AssignIndex($"p{i}")]++;
        }

        foreach (int cell in joint)
        {
            Assert.InRange(cell / (double)users, 1 / 9.0 - 0.01, 1 / 9.0 + 0.01);
        }
    }

    [Fact]
    public void Constructor_OneVariant_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Experiment("x", new[] { new ExperimentVariant("only", 1) }));
        Assert.Contains("at least two variants", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicateVariantNames_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Experiment("x", new[] { new ExperimentVariant("a", 1), new ExperimentVariant("a", 2) }));
    }

    [Fact]
    public void Constructor_UnpairedSurrogateInNames_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ExperimentVariant("treatment\uD800", 1));
        Assert.Contains("unpaired UTF-16 surrogate", ex.Message, StringComparison.Ordinal);
        Assert.Equal("name", ex.ParamName);

        var variants = new[] { new ExperimentVariant("a", 1), new ExperimentVariant("b", 1) };
        Assert.Throws<ArgumentException>(() => new Experiment("\uDC00shop", variants));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void VariantConstructor_BadShare_Throws(double share)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExperimentVariant("a", share));
    }

    [Fact]
    public void VariantSettings_BadValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VariantSettings(epsilon: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VariantSettings(diversity: -0.1));
        Assert.Throws<ArgumentException>(() => new VariantSettings(scorerWeights: new Dictionary<string, double> { ["content"] = double.NaN }));
    }

    [Fact]
    public void VariantSettings_ScorerWeights_AreCopied()
    {
        var weights = new Dictionary<string, double> { ["content"] = 1, ["popularity"] = 0.5 };
        var settings = new VariantSettings(scorerWeights: weights);
        weights["content"] = 9;
        Assert.Equal(1, settings.ScorerWeights!["content"]);
        Assert.Null(VariantSettings.Default.ScorerWeights);
        Assert.Null(new ExperimentVariant("c", 1).Settings.Epsilon);
    }

    [Fact]
    public void Bucket_EmptyUser_Throws()
    {
        Assert.Throws<ArgumentException>(() => Experiment.Bucket("x", ""));
        Assert.Throws<ArgumentNullException>(() => Experiment.Bucket("x", null!));
    }
}
