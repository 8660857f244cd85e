using EmbeddedReco;

namespace EmbeddedReco.TestPlugins.Dependency;

/// <summary>A base class in a separate assembly: deleting this assembly makes its subclasses unloadable.</summary>
public abstract class BaseScorer : IScorer
{
    public abstract string Name { get; }

    public bool Score(in ScoringContext context, Span<float> scores)
    {
        scores.Fill(Value);
        return true;
    }

    protected abstract float Value { get; }
}
