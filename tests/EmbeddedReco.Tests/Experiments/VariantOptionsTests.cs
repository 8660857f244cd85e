using System.Reflection;
using EmbeddedReco.Experiments;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Experiments;

public sealed class VariantOptionsTests
{
    [Fact]
    public void Merge_NoCallerOptions_VariantSettingsApplied()
    {
        var settings = new VariantSettings(epsilon: 0.2, diversity: 0.6);

        var merged = VariantOptions.Merge(settings, null, new SuggestOptions());

        Assert.Equal(0.2, merged.Epsilon);
        Assert.Equal(0.6, merged.Diversity);
        Assert.Null(merged.ScorerWeights);
        Assert.True(merged.MarkShown);
    }

    [Fact]
    public void Merge_CallerValues_WinOverVariant()
    {
        var settings = new VariantSettings(epsilon: 0.2, diversity: 0.6, popularityOnly: true);
        var callerWeights = new Dictionary<string, double> { ["content"] = 2 };
        var caller = new SuggestOptions { Epsilon = 0, Seed = 5, ScorerWeights = callerWeights, MarkShown = false };

        var merged = VariantOptions.Merge(settings, caller, new SuggestOptions());

        Assert.Equal(0, merged.Epsilon);
        Assert.Equal(0.6, merged.Diversity);
        Assert.Equal(5, merged.Seed);
        Assert.Same(callerWeights, merged.ScorerWeights);
        Assert.False(merged.MarkShown);
    }

    [Fact]
    public void Merge_PopularityOnly_ZeroesContentWeight()
    {
        var merged = VariantOptions.Merge(new VariantSettings(popularityOnly: true), null, new SuggestOptions());

        Assert.Equal(0, merged.ScorerWeights![ScorerContract.Content]);
        Assert.Equal(1, merged.ScorerWeights[ScorerContract.Popularity]);
    }

    [Fact]
    public void Merge_EveryCallerProperty_IsCopied()
    {
        // Guards against a new SuggestOptions property that Merge forgets: set every property to a non-default value.
        var caller = new SuggestOptions
        {
            Count = 7,
            Epsilon = 0.3,
            Diversity = 0.4,
            Seed = 9,
            MaxPerTag = 2,
            RequiredTags = new[] { "a" },
            ExcludedTags = new[] { "b" },
            ExcludedItems = new[] { "c" },
            Filter = (_, _) => true,
            IncludeConsumed = true,
            ScorerWeights = new Dictionary<string, double> { ["content"] = 1 },
            Context = new Dictionary<string, object?> { ["level"] = 3 },
            MarkShown = false,
            Explain = true,
        };

        var merged = VariantOptions.Merge(VariantSettings.Default, caller, new SuggestOptions());

        foreach (var property in typeof(SuggestOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.Equal(property.GetValue(caller), property.GetValue(merged));
        }
    }

    [Fact]
    public void Merge_ReusedScratch_AllocatesNothing()
    {
        var settings = new VariantSettings(epsilon: 0.1, diversity: 0.7);
        var caller = new SuggestOptions { Seed = 1 };
        var scratch = new SuggestOptions();
        VariantOptions.Merge(settings, caller, scratch);

        long allocated = AllocationMeter.SteadyStateBytes(() => VariantOptions.Merge(settings, caller, scratch), cleanCalls: 100);

        Assert.Equal(0, allocated);
    }
}
