using EmbeddedReco;
using EmbeddedReco.TestPlugins.Dependency;

[assembly: EmbeddedRecoPlugin(ScorerContract.Version)]

namespace EmbeddedReco.TestPlugins.Broken;

/// <summary>Loads fine: prefers items whose id ends in an even digit.</summary>
public sealed class EvenScorer : IScorer
{
    public string Name => "test.even";

    public bool Score(in ScoringContext context, Span<float> scores)
    {
        for (int i = 0; i < scores.Length; i++)
        {
            string id = context.ItemId(i);
            scores[i] = (id[^1] - '0') % 2 == 0 ? 1 : 0;
        }

        return true;
    }
}

/// <summary>Its constructor throws: the loader reports it and keeps the others.</summary>
public sealed class ThrowingConstructorScorer : IScorer
{
    public ThrowingConstructorScorer() => throw new InvalidOperationException("configuration missing");

    public string Name => "test.ctor-throws";

    public bool Score(in ScoringContext context, Span<float> scores) => false;
}

/// <summary>Derives from a type in another assembly: unloadable when that assembly is missing.</summary>
public sealed class DerivedScorer : BaseScorer
{
    public override string Name => "test.derived";

    protected override float Value => 0.5f;
}
