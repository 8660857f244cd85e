using System;
using EmbeddedReco.Catalog;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Scoring;

/// <summary>
/// Step 2 of a <c>Suggest</c>: scores every catalog row for one player with the registered scorers and blends them
/// (<see cref="ScoringPipeline"/>), and explains a picked row's score (the breakdown). The player's history is mapped to the
/// served model's items once per call, for the collaborative scorer and for the content/collaborative hand-over.
/// </summary>
internal sealed class PlayerScoring
{
    /// <summary>The breakdown entry of the recent-list penalty.</summary>
    public const string RecentPenaltyName = "policy:recent";

    private readonly ScoringPipeline _pipeline;
    private readonly Decay _profileDecay;
    private readonly Decay _popularityDecay;
    private readonly double _collaborativeConfidence;

    public PlayerScoring(ScoringPipeline pipeline, Decay profileDecay, Decay popularityDecay, double collaborativeConfidence)
    {
        _pipeline = pipeline;
        _profileDecay = profileDecay;
        _popularityDecay = popularityDecay;
        _collaborativeConfidence = collaborativeConfidence;
    }

    /// <summary>
    /// Step 2 of a list: runs the scorers and blends them into <paramref name="blended"/>. The history is mapped to the served
    /// model's items once, for the collaborative scorer and for the content/collaborative hand-over.
    /// </summary>
    public void Score(CatalogSnapshot catalog, TrainedModel? trained, string userId, ReadOnlySpan<float> profile, in PlayerRead player, in SuggestSettings settings, long now, SuggestScratch scratch, Span<float> blended)
    {
        var history = new ReadOnlySpan<UserHistoryEntry>(scratch.History, 0, player.HistoryCount);
        int known = MapHistoryToModel(trained, history, now, scratch);
        float confidence = known == 0 ? 0f : (float)(known / (known + _collaborativeConfidence));
        var context = new ScoringContext(
            userId,
            profile,
            history,
            player.Interactions,
            player.Positives,
            catalog,
            _popularityDecay,
            now,
            settings.Context);
        var inputs = new EngineInputs(catalog, trained, new ReadOnlySpan<int>(scratch.ModelItems, 0, known), new ReadOnlySpan<float>(scratch.ModelWeights, 0, known), confidence);
        _pipeline.Run(in context, in inputs, scratch, blended, settings.ScorerWeights, now, 1f - confidence, settings.PopularityOnly);
    }

    /// <summary>
    /// The blended scores of <paramref name="rows"/> with their content similarity computed in float32 (the int8 scan's
    /// candidates), into <paramref name="scores"/>: for each row the same sum, in the same order, as the blend, so it is
    /// bit-identical to the float32 path's value whenever the range is. The exact similarities replace the scan's values in the
    /// scratch, so the breakdown reports them too. The similarities are computed four rows at a time (<see cref="VectorKernels.DotRowsAt"/>).
    /// </summary>
    public void Rescore(CatalogSnapshot catalog, ReadOnlySpan<int> rows, ReadOnlySpan<float> query, SuggestScratch scratch, Span<float> scores)
    {
        scores = scores.Slice(0, rows.Length);
        if (scratch.ContentIndex >= 0)
        {
            VectorKernels.DotRowsAt(catalog.Vectors, catalog.Dimensions, rows, query, scores);
            var raw = scratch.ContentRaw;
            for (int i = 0; i < rows.Length; i++)
            {
                raw[rows[i]] = scores[i];
            }
        }

        // sum = 0, then sum + weight x value per scorer in registration order (NaN once a scorer excluded the row), row by row
        // as the blend adds them: the scorers are the outer loop here, the order of each row's additions is the same.
        scores.Clear();
        for (int s = 0; s < _pipeline.Count; s++)
        {
            float w = scratch.WeightsUsed[s];
            if (w <= 0)
            {
                continue;
            }

            for (int i = 0; i < rows.Length; i++)
            {
                float v = scratch.NormalizedAt(s, rows[i]);
                scores[i] = v == ScorerContract.Exclude ? float.NaN : scores[i] + (w * v);
            }
        }
    }

    /// <summary>
    /// Writes the model index and the weight (decayed to <paramref name="now"/>) of each positive history item the served model
    /// knows into the scratch; returns how many (0 without a model).
    /// </summary>
    private int MapHistoryToModel(TrainedModel? trained, ReadOnlySpan<UserHistoryEntry> history, long now, SuggestScratch scratch)
    {
        if (trained is null || history.IsEmpty)
        {
            return 0;
        }

        Common.ScratchArray.Grow(ref scratch.ModelItems, history.Length);
        Common.ScratchArray.Grow(ref scratch.ModelWeights, history.Length);
        int n = 0;
        foreach (var entry in history)
        {
            int index = entry.Weight > 0 ? trained.Model.IndexOf(entry.ItemId) : -1;
            if (index >= 0)
            {
                scratch.ModelItems[n] = index;
                scratch.ModelWeights[n] = (float)_profileDecay.Decayed(entry.Weight, entry.LastInteraction.UtcTicks, now);
                n++;
            }
        }

        return n;
    }

    /// <summary>
    /// The contributions of a row's blended score: each scorer that spoke (weight x normalized score), then the recent-list
    /// penalty when <paramref name="penalty"/> is not 0. Allocates the returned array (only when a call asks to explain).
    /// </summary>
    public ScoreContribution[] Breakdown(int row, SuggestScratch scratch, float penalty)
    {
        int parts = 0;
        for (int s = 0; s < _pipeline.Count; s++)
        {
            parts += scratch.WeightsUsed[s] > 0 ? 1 : 0;
        }

        var breakdown = new ScoreContribution[parts + (penalty != 0 ? 1 : 0)];
        int k = 0;
        for (int s = 0; s < _pipeline.Count; s++)
        {
            float w = scratch.WeightsUsed[s];
            if (w > 0)
            {
                breakdown[k++] = new ScoreContribution(_pipeline.Name(s), w * scratch.NormalizedAt(s, row));
            }
        }

        if (penalty != 0)
        {
            breakdown[k] = new ScoreContribution(RecentPenaltyName, penalty);
        }

        return breakdown;
    }

    /// <summary>
    /// The suggestion for a policy pick: its blended score, source and propensity, and, when <paramref name="explain"/> is the
    /// call's scratch, the breakdown (<paramref name="penalty"/>: the recent-list penalty the row got, 0 for none).
    /// </summary>
    public Suggestion ToSuggestion(CatalogSnapshot catalog, PolicyPick pick, ReadOnlySpan<float> blended, SuggestScratch? explain, float penalty, string? variant)
    {
        int row = pick.Row;
        return new Suggestion(catalog.Ids[row], blended[row], pick.Source, pick.Propensity, explain is null ? null : Breakdown(row, explain, penalty), variant);
    }
}
