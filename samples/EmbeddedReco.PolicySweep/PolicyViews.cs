using EmbeddedReco.Evaluation;

namespace EmbeddedReco.PolicySweep;

/// <summary>
/// One engine trained once (as <see cref="EngineRecommender"/> trains it: every training rating a Like, taste and popularity decay
/// off, the collaborative model trained), shared by several <see cref="PolicyView"/>s that ask it with different policies.
/// </summary>
internal sealed class SharedEngine : IDisposable
{
    private readonly IReadOnlyList<ItemDefinition> _items;
    private RecoEngine? _engine;
    private TrainingSet? _train;

    public SharedEngine(IReadOnlyList<ItemDefinition> items) => _items = items;

    public RecoEngine Engine => _engine ?? throw new InvalidOperationException("Not trained.");

    public TrainingSet Training => _train ?? throw new InvalidOperationException("Not trained.");

    public void EnsureTrained(TrainingSet train, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(train, _train))
        {
            return;
        }

        _engine?.Dispose();
        int dimensions = _items[0].Features.Length;
        var engine = RecoEngine.Open(new RecoEngineOptions
        {
            DatabasePath = RecoEngineOptions.InMemory,
            Dimensions = dimensions,
            ProfileHalfLife = Timeout.InfiniteTimeSpan,
            PopularityHalfLife = Timeout.InfiniteTimeSpan,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        });
        var known = new HashSet<string>(_items.Select(i => i.Id), StringComparer.Ordinal);
        engine.UpsertItems(_items.Concat(train.ItemIds.Where(id => !known.Contains(id)).Select(id => new ItemDefinition(id, new float[dimensions]))));
        foreach (var x in train.Interactions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            engine.Record(new Interaction(x.UserId, x.ItemId, InteractionKind.Like, 1, x.Timestamp));
        }

        engine.TrainAsync(cancellationToken).GetAwaiter().GetResult();
        _engine = engine;
        _train = train;
    }

    public void Dispose() => _engine?.Dispose();
}

/// <summary>
/// The shared engine's hybrid under one policy: <c>Suggest</c> with this epsilon and MMR lambda, the user's training items
/// excluded, lists not remembered (MarkShown false: each user gets one first list, so recent lists and cooldowns do not apply).
/// </summary>
internal sealed class PolicyView : IRecommenderUnderTest
{
    private readonly SharedEngine _shared;
    private readonly double _epsilon;
    private readonly double _diversity;

    public PolicyView(SharedEngine shared, string name, double epsilon, double diversity)
    {
        _shared = shared;
        Name = name;
        _epsilon = epsilon;
        _diversity = diversity;
    }

    public string Name { get; }

    public void Train(TrainingSet train, CancellationToken cancellationToken) => _shared.EnsureTrained(train, cancellationToken);

    public IReadOnlyList<string> Recommend(string userId, int count)
    {
        var seen = new HashSet<string>(_shared.Training.ItemsOf(userId), StringComparer.Ordinal);
        var list = _shared.Engine.Suggest(userId, new SuggestOptions
        {
            Count = Math.Min(1000, count),
            Epsilon = _epsilon,
            Diversity = _diversity,
            MarkShown = false,
            ExcludedItems = seen,
        });
        return list.Select(s => s.ItemId).ToList();
    }
}
