using EmbeddedReco.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmbeddedReco.Tests.Engine;

public class RecoEngineOptionsTests
{
    public static TheoryData<Action<RecoEngineOptions>, string> BadOptions => new()
    {
        { o => o.DatabasePath = null, "DatabasePath" },
        { o => o.DatabasePath = "  ", "DatabasePath" },
        { o => o.Dimensions = 0, "Dimensions" },
        { o => o.Dimensions = 5000, "Dimensions" },
        { o => o.DefaultCount = 0, "DefaultCount" },
        { o => o.ProfileHalfLife = TimeSpan.Zero, "ProfileHalfLife" },
        { o => o.PopularityHalfLife = TimeSpan.FromDays(-1), "PopularityHalfLife" },
        { o => o.EngagementWeights = null!, "EngagementWeights" },
        { o => o.EngagementWeights.Click = double.NaN, "EngagementWeights" },
        { o => o.EngagementWeights.RatingPerStar = 1e300, "EngagementWeights" },
        { o => o.EngagementWeights.Dislike = -1001, "EngagementWeights" },
        { o => o.Experiment = new Experiment("e", new[] { new ExperimentVariant("a", 1), new ExperimentVariant(new string('v', 257), 1) }), "Experiment" },
        { o => o.ConsumedKinds = null!, "ConsumedKinds" },
        { o => o.MaxIdBytes = 1023, "MaxIdBytes" },
        { o => o.CheckpointInterval = TimeSpan.FromMilliseconds(1), "CheckpointInterval" },
        { o => o.Clock = null!, "Clock" },
        { o => o.LoggerFactory = null!, "LoggerFactory" },
        { o => o.Scorers.FaultLimit = 0, "FaultLimit" },
        { o => o.Scorers.SlowCallConfirmations = -1, "SlowCallConfirmations" },
        { o => o.Scorers.RecoveryPeriod = TimeSpan.Zero, "RecoveryPeriod" },
        { o => o.Scorers.RecoveryPeriod = TimeSpan.FromMinutes(-1), "RecoveryPeriod" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Open_InvalidOption_ThrowsNamingTheOption(Action<RecoEngineOptions> spoil, string optionName)
    {
        var options = TestCatalog.Options();
        spoil(options);

        var ex = Assert.ThrowsAny<ArgumentException>(() => RecoEngine.Open(options));

        Assert.Contains(optionName, ex.Message, StringComparison.Ordinal);
        Assert.Contains(optionName, ex.ParamName, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NullOptions_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => RecoEngine.Open(null!));
    }

    [Fact]
    public void Open_OptionsChangedAfterOpen_EngineUnaffected()
    {
        var options = TestCatalog.Options();
        using var engine = RecoEngine.Open(options);
        options.Dimensions = 99;
        options.EngagementWeights.Purchase = -100;
        options.DefaultCount = 3;

        Assert.Equal(8, engine.Dimensions);
        engine.UpsertItems(TestCatalog.Random(20, 8));
        Assert.Equal(10, engine.Suggest("u").Count);
    }

    [Fact]
    public void Open_Defaults_AreDocumentedValues()
    {
        var o = new RecoEngineOptions();
        Assert.Equal(10, o.DefaultCount);
        Assert.Equal(TimeSpan.FromDays(30), o.ProfileHalfLife);
        Assert.Equal(TimeSpan.FromDays(7), o.PopularityHalfLife);
        Assert.Equal(256, o.MaxIdBytes);
        Assert.Same(NullLoggerFactory.Instance, o.LoggerFactory);
        Assert.Equal(new[] { InteractionKind.Purchase }, o.ConsumedKinds);
    }
}
