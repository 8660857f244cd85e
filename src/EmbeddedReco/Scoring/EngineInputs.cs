using System;
using EmbeddedReco.Catalog;
using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Scoring;

/// <summary>
/// What the engine's own scorers read beyond the public <see cref="ScoringContext"/>: the live catalog (its counters), the served
/// collaborative model and the player's history already mapped to that model. Passed beside the context to
/// <see cref="IEngineScorer"/> implementations only, so plugins see exactly the public contract.
/// </summary>
internal readonly ref struct EngineInputs
{
    public EngineInputs(CatalogSnapshot catalog, TrainedModel? collaborative, ReadOnlySpan<int> modelItems, ReadOnlySpan<float> modelWeights, float collaborativeConfidence)
    {
        Catalog = catalog;
        Collaborative = collaborative;
        ModelItems = modelItems;
        ModelWeights = modelWeights;
        CollaborativeConfidence = collaborativeConfidence;
    }

    /// <summary>The catalog being scored.</summary>
    public CatalogSnapshot Catalog { get; }

    /// <summary>The served collaborative model, or null before a training.</summary>
    public TrainedModel? Collaborative { get; }

    /// <summary>Model indexes of the player's positive history items the model knows.</summary>
    public ReadOnlySpan<int> ModelItems { get; }

    /// <summary>Decayed weights of <see cref="ModelItems"/>.</summary>
    public ReadOnlySpan<float> ModelWeights { get; }

    /// <summary>n / (n + <see cref="RecoEngineOptions.CollaborativeConfidence"/>), n = <see cref="ModelItems"/> length.</summary>
    public float CollaborativeConfidence { get; }
}

/// <summary>
/// A scorer of the engine's own that reads <see cref="EngineInputs"/>. The pipeline calls this overload instead of
/// <see cref="IScorer.Score"/>; called through the public interface (outside the engine) such a scorer abstains or uses the
/// public context only.
/// </summary>
internal interface IEngineScorer
{
    /// <summary>Scores every catalog row; false = abstain. Same contract as <see cref="IScorer.Score"/>.</summary>
    bool Score(in ScoringContext context, in EngineInputs inputs, Span<float> scores);
}
