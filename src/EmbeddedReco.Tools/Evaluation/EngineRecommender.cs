using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace EmbeddedReco.Evaluation;

/// <summary>
/// Evaluates a real <see cref="RecoEngine"/> configuration offline: an in-memory engine gets the catalog, records every training
/// interaction as a <see cref="InteractionKind.Like"/> (binary relevance: every rated item counts as engagement), trains its
/// collaborative model when that scorer has weight, and answers with <c>Suggest</c> under pure relevance (epsilon 0, lambda 1,
/// lists not remembered) excluding the user's training items. Taste decay is off (a static data set has no "now").
/// </summary>
public sealed class EngineRecommender : IRecommenderUnderTest, IDisposable
{
    private readonly IReadOnlyList<ItemDefinition> _items;
    private readonly int _dimensions;
    private readonly Action<RecoEngineOptions>? _configure;
    private RecoEngine? _engine;
    private TrainingSet? _train;

    /// <summary>Creates the adapter.</summary>
    /// <param name="name">The name shown in the report, e.g. "content" or "hybrid".</param>
    /// <param name="items">The catalog with feature vectors (all of one length); items of the training data missing here get a zero vector.
    /// Empty = every item gets a one-dimensional zero vector (collaborative and popularity only).</param>
    /// <param name="configure">Adjusts the engine options (e.g. scorer weights) before the engine opens. Null = engine defaults.</param>
    public EngineRecommender(string name, IReadOnlyList<ItemDefinition> items, Action<RecoEngineOptions>? configure = null)
    {
        Name = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A name is required.", nameof(name)) : name;
        _items = items ?? throw new ArgumentNullException(nameof(items));
        _dimensions = items.Count > 0 ? items[0].Features.Length : 1;
        _configure = configure;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The last training of the engine's collaborative model, or null.</summary>
    public TrainingResult? Training => _engine?.LastTraining;

    /// <inheritdoc />
    public void Train(TrainingSet train, CancellationToken cancellationToken)
    {
        if (train is null)
        {
            throw new ArgumentNullException(nameof(train));
        }

        _engine?.Dispose();
        var options = new RecoEngineOptions
        {
            DatabasePath = RecoEngineOptions.InMemory,
            Dimensions = _dimensions,
            ProfileHalfLife = Timeout.InfiniteTimeSpan,
            PopularityHalfLife = Timeout.InfiniteTimeSpan,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        };
        _configure?.Invoke(options);
        var engine = RecoEngine.Open(options);
        var known = new HashSet<string>(_items.Select(i => i.Id), StringComparer.Ordinal);
        var missing = train.ItemIds.Where(id => !known.Contains(id)).Select(id => new ItemDefinition(id, new float[_dimensions]));
        engine.UpsertItems(_items.Concat(missing));
        foreach (var x in train.Interactions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            engine.Record(new Interaction(x.UserId, x.ItemId, InteractionKind.Like, 1, x.Timestamp));
        }

        var collaborative = options.Scorers.Find(ScorerContract.Collaborative);
        if (collaborative is not null && collaborative.Weight > 0)
        {
            engine.TrainAsync(cancellationToken).GetAwaiter().GetResult();
        }

        _engine = engine;
        _train = train;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Recommend(string userId, int count)
    {
        var engine = _engine ?? throw new InvalidOperationException("Train must be called first.");
        var seen = new HashSet<string>(_train!.ItemsOf(userId), StringComparer.Ordinal);
        var list = engine.Suggest(userId, new SuggestOptions
        {
            Count = Math.Min(1000, count),
            Epsilon = 0,
            Diversity = 1,
            MarkShown = false,
            ExcludedItems = seen,
        });
        return list.Select(s => s.ItemId).ToList();
    }

    /// <summary>Closes the engine.</summary>
    public void Dispose() => _engine?.Dispose();
}
