using System;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Evaluation;

/// <summary>
/// Evaluates the built-in collaborative model (EASE or item-kNN) offline. Training uses one unit of weight per distinct
/// (user, item) training pair (the usual protocol: every rated item counts, whatever the rating); recommendations are the
/// highest-scoring model items outside the user's training items, ties broken by ordinal id. Items outside the model
/// (too little support) are never recommended.
/// </summary>
public sealed class CollaborativeRecommender : IRecommenderUnderTest
{
    private readonly CollaborativeOptions options;
    private readonly string? name;
    private CollaborativeModel? model;
    private TrainingSet? train;
    private float[] scores = Array.Empty<float>();
    private int[] history = Array.Empty<int>();
    private float[] weights = Array.Empty<float>();

    /// <summary>Creates the adapter.</summary>
    /// <param name="options">Model settings (copied and validated); null means defaults.</param>
    /// <param name="name">Name in the report; null (the default) means the algorithm that was trained, e.g. "EASE".</param>
    public CollaborativeRecommender(CollaborativeOptions? options = null, string? name = null)
    {
        this.options = (options ?? new CollaborativeOptions()).Clone();
        this.options.Validate();
        this.name = name;
    }

    /// <inheritdoc />
    public string Name => name ?? (model?.Algorithm ?? options.Algorithm) switch
    {
        CollaborativeAlgorithm.Ease => "EASE",
        CollaborativeAlgorithm.ItemKnn => "ItemKNN",
        _ => "Collaborative",
    };

    /// <summary>Number of items in the trained model (0 before training).</summary>
    public int ModelItems => model?.ItemCount ?? 0;

    /// <inheritdoc />
    public void Train(TrainingSet train, CancellationToken cancellationToken)
    {
        this.train = train ?? throw new ArgumentNullException(nameof(train));
        var builder = new InteractionMatrixBuilder();
        foreach (var user in train.UserIds)
        {
            foreach (var item in train.ItemsOf(user))
            {
                builder.Add(user, item, 1f);
            }
        }

        var (matrix, _, itemIds) = builder.Build();
        model = CollaborativeModel.Train(itemIds, matrix, options, null, cancellationToken);
        scores = new float[model.ItemCount];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Recommend(string userId, int count)
    {
        if (model is null || train is null)
        {
            throw new InvalidOperationException("Train must be called before Recommend.");
        }

        var items = train.ItemsOf(userId);
        if (history.Length < items.Count)
        {
            history = new int[items.Count];
            weights = new float[items.Count];
        }

        int h = 0;
        foreach (var item in items)
        {
            int i = model.IndexOf(item);
            if (i >= 0)
            {
                history[h] = i;
                weights[h] = 1f;
                h++;
            }
        }

        model.Score(history.AsSpan(0, h), weights.AsSpan(0, h), scores);
        for (int k = 0; k < h; k++)
        {
            scores[history[k]] = float.NegativeInfinity;
        }

        return ModelTopN.Ids(model, scores, count);
    }
}
