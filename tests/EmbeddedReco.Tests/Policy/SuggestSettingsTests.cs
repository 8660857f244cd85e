using EmbeddedReco.Experiments;
using EmbeddedReco.Policy;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Policy;

public sealed class SuggestSettingsTests
{
    private static readonly PolicyOptions Engine = new PolicyOptions { Epsilon = 0.15, Diversity = 0.8, MaxPerTag = 3, EpsilonDecayInteractions = 0 };

    // Both arms carry the same settings, so every player gets them, whichever arm they are in.
    private static Experiment OneVariant(VariantSettings settings) =>
        new Experiment("exp", new[] { new ExperimentVariant("a", 0.5, settings), new ExperimentVariant("b", 0.5, settings) });

    [Fact]
    public void Resolve_NoExperimentNoCall_EngineSettings()
    {
        var s = SuggestSettings.Resolve(Engine, null, "p1", null);

        Assert.Equal(0.15, s.Epsilon);
        Assert.False(s.EpsilonIsExplicit);
        Assert.Equal(0.8, s.Diversity);
        Assert.Equal(3, s.MaxPerTag);
        Assert.True(s.MarkShown);
        Assert.False(s.IncludeConsumed);
        Assert.Null(s.Seed);
        Assert.Null(s.ScorerWeights);
        Assert.False(s.PopularityOnly);
        Assert.Null(s.Variant);
    }

    [Fact]
    public void Resolve_VariantSettings_FillWhatTheCallLeavesUnset()
    {
        var experiment = OneVariant(new VariantSettings(epsilon: 0.2, diversity: 0.6));
        var s = SuggestSettings.Resolve(Engine, experiment, "p1", new SuggestOptions { Seed = 4 });

        Assert.Equal(0.2, s.Epsilon);
        Assert.True(s.EpsilonIsExplicit);
        Assert.Equal(0.6, s.Diversity);
        Assert.Equal(4, s.Seed);
        Assert.Equal(experiment.Assign("p1").Name, s.Variant);
    }

    [Fact]
    public void Resolve_CallValues_WinOverVariantAndEngine()
    {
        var weights = new Dictionary<string, double> { ["content"] = 2 };
        var call = new SuggestOptions { Epsilon = 0, Diversity = 1, MaxPerTag = 1, ScorerWeights = weights, MarkShown = false, IncludeConsumed = true };

        var s = SuggestSettings.Resolve(Engine, OneVariant(new VariantSettings(epsilon: 0.2, diversity: 0.6, popularityOnly: true)), "p1", call);

        Assert.Equal(0, s.Epsilon);
        Assert.Equal(1, s.Diversity);
        Assert.Equal(1, s.MaxPerTag);
        Assert.Same(weights, s.ScorerWeights);
        Assert.False(s.PopularityOnly); // the caller's weights replace the variant's
        Assert.False(s.MarkShown);
        Assert.True(s.IncludeConsumed);
        Assert.Same(call, s.Call);
    }

    [Fact]
    public void Resolve_PopularityOnlyVariant_FlagNotNames()
    {
        var s = SuggestSettings.Resolve(Engine, OneVariant(new VariantSettings(popularityOnly: true)), "p1", null);

        Assert.True(s.PopularityOnly);
        Assert.Null(s.ScorerWeights);
    }

    [Fact]
    public void EpsilonFor_DecayOnlyWhenNeitherCallNorVariantSetIt()
    {
        var decaying = new PolicyOptions { Epsilon = 0.2, EpsilonDecayInteractions = 10, MinEpsilon = 0.05 };

        double decayed = SuggestSettings.Resolve(decaying, null, "p1", null).EpsilonFor(decaying, 30);
        double explicitCall = SuggestSettings.Resolve(decaying, null, "p1", new SuggestOptions { Epsilon = 0.2 }).EpsilonFor(decaying, 30);
        double floor = SuggestSettings.Resolve(decaying, null, "p1", null).EpsilonFor(decaying, 1_000_000);

        Assert.Equal(0.2 * 10 / 40.0, decayed, 12);
        Assert.Equal(0.2, explicitCall);
        Assert.Equal(0.05, floor);
    }

    [Fact]
    public void Resolve_WithExperiment_AllocatesNothing()
    {
        var experiment = OneVariant(new VariantSettings(epsilon: 0.1, diversity: 0.7));
        var call = new SuggestOptions { Seed = 1 };

        long allocated = AllocationMeter.SteadyStateBytes(() => SuggestSettings.Resolve(Engine, experiment, "player-1", call), cleanCalls: 100);

        Assert.Equal(0, allocated);
    }
}
