using EmbeddedReco;

[assembly: EmbeddedRecoPlugin(99)]

namespace EmbeddedReco.TestPlugins.WrongContract;

/// <summary>Built for a contract version this engine does not implement: the loader must skip it.</summary>
public sealed class FutureScorer : IScorer
{
    public string Name => "test.future";

    public bool Score(in ScoringContext context, Span<float> scores) => false;
}
