using System;

namespace EmbeddedReco.Scoring;

/// <summary>
/// The built-in collaborative scorer: the player's live, decayed history (so new interactions count before a retrain; mapped to
/// model items once per call by the engine) scored against the trained item-item model (EASE or item-kNN), mapped to catalog rows. Self-normalized: min-max over the items of
/// the model to 0..1, times a confidence n / (n + <see cref="RecoEngineOptions.CollaborativeConfidence"/>) where n is the number
/// of the player's history items known to the model, so the collaborative weight grows with the data a player has. Items
/// outside the model (cold items) score 0 here and are reached through content similarity. Abstains without a model or history.
/// </summary>
internal sealed class CollaborativeScorer : IScorer, IEngineScorer
{
    [ThreadStatic]
    private static Buffers? t_buffers;

    public string Name => ScorerContract.Collaborative;

    /// <summary>Outside the engine there is no served model to read: abstains.</summary>
    public bool Score(in ScoringContext context, Span<float> scores) => false;

    public bool Score(in ScoringContext context, in EngineInputs inputs, Span<float> scores)
    {
        var trained = inputs.Collaborative;
        if (trained is null || inputs.ModelItems.IsEmpty)
        {
            return false;
        }

        var model = trained.Model;
        var b = t_buffers ??= new Buffers();
        Common.ScratchArray.Grow(ref b.ModelScores, model.ItemCount);
        var modelScores = b.ModelScores.AsSpan(0, model.ItemCount);
        model.Score(inputs.ModelItems, inputs.ModelWeights, modelScores);
        MinMax.Range(modelScores, out float min, out float max);
        float scale = MinMax.Scale(min, max, inputs.CollaborativeConfidence);
        var rows = trained.RowsToModel(inputs.Catalog);
        for (int r = 0; r < scores.Length; r++)
        {
            int m = rows[r];
            scores[r] = m >= 0 ? (modelScores[m] - min) * scale : 0f;
        }

        return true;
    }

    private sealed class Buffers
    {
        public float[] ModelScores = Array.Empty<float>();
    }
}
