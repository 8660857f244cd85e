using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Collaborative;

public class EngineTrainingTests
{
    /// <summary>
    /// Two taste groups whose item vectors say nothing (all random): group A plays items 0-9, group B items 10-19. Only
    /// co-occurrence can tell a new A player to try the other A items.
    /// </summary>
    private static RecoEngine GroupsEngine(Action<RecoEngineOptions>? configure = null)
    {
        var options = TestCatalog.Options(dimensions: 8);
        options.Collaborative.MinItemSupport = 1;
        configure?.Invoke(options);
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(40, 8, seed: 99));
        var rng = new Random(4);
        for (int u = 0; u < 30; u++)
        {
            int offset = u % 2 == 0 ? 0 : 10;
            foreach (int i in Enumerable.Range(0, 10).OrderBy(_ => rng.Next()).Take(6))
            {
                engine.Record(new Interaction($"{(u % 2 == 0 ? "a" : "b")}-{u}", $"item-{offset + i:D4}", InteractionKind.Like));
            }
        }

        return engine;
    }

    [Fact]
    public void Train_GroupedHistories_CollaborativeRecommendsTheGroupsItems()
    {
        using var engine = GroupsEngine(o => o.Scorers.SetWeight(ScorerContract.Content, 0));
        engine.Record(new Interaction("newcomer", "item-0003", InteractionKind.Like));
        engine.Record(new Interaction("newcomer", "item-0005", InteractionKind.Like));
        Assert.Null(engine.LastTraining);

        var result = engine.Train();

        Assert.Equal(CollaborativeAlgorithm.Ease, result.Algorithm);
        Assert.Equal(20, result.ModelItems);
        Assert.Equal(31, result.Users);
        Assert.Same(result, engine.LastTraining);
        var list = engine.Suggest("newcomer", new SuggestOptions { Count = 6 });
        Assert.All(list, s => Assert.InRange(int.Parse(s.ItemId[5..]), 0, 9));
        Assert.All(list, s => Assert.Contains(s.Breakdown!, c => c.Scorer == ScorerContract.Collaborative && c.Contribution > 0));
    }

    [Fact]
    public void Suggest_NewInteractionsAfterTraining_CountAtOnce()
    {
        using var engine = GroupsEngine(o => o.Scorers.SetWeight(ScorerContract.Content, 0));
        engine.Record(new Interaction("switcher", "item-0001", InteractionKind.Like));
        engine.Train();
        Assert.InRange(int.Parse(engine.Suggest("switcher", 1)[0].ItemId[5..]), 0, 9);

        // No retrain: the live history now leans to group B.
        foreach (int i in new[] { 11, 12, 13, 14 })
        {
            engine.Record(new Interaction("switcher", $"item-{i:D4}", InteractionKind.Purchase));
        }

        Assert.InRange(int.Parse(engine.Suggest("switcher", 1)[0].ItemId[5..]), 10, 19);
    }

    [Fact]
    public void Suggest_ColdItemOutsideModel_ReachedThroughContent()
    {
        using var engine = GroupsEngine();
        engine.Train();
        var twin = engine.GetProfile("a-0")!.Vector.ToArray();
        engine.UpsertItem(new ItemDefinition("fresh", twin));

        var list = engine.Suggest("a-0", new SuggestOptions { Count = 10, IncludeConsumed = true });

        Assert.Contains(list, s => s.ItemId == "fresh");
        var fresh = list.Single(s => s.ItemId == "fresh");
        Assert.Equal(0f, fresh.Breakdown!.Single(c => c.Scorer == ScorerContract.Collaborative).Contribution);
    }

    [Fact]
    public void Train_NoData_ReturnsEmptyResultAndNoModel()
    {
        using var engine = TestCatalog.InMemory();
        var result = engine.Train();
        Assert.Equal(0, result.ModelItems);
        Assert.Null(engine.LastTraining);
    }

    [Fact]
    public async Task TrainAsync_WhileSuggestRunsOnOtherThreads_SwapsAtomicallyWithoutErrors()
    {
        using var engine = GroupsEngine(o => o.Collaborative.Algorithm = CollaborativeAlgorithm.ItemKnn);
        using var stop = new CancellationTokenSource();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var readers = Enumerable.Range(0, 2).Select(t => Task.Factory.StartNew(() =>
        {
            var buffer = new Suggestion[5];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    int n = engine.Suggest($"a-{t * 2}", buffer);
                    Assert.Equal(5, n);
                    Assert.Equal(5, buffer.Select(s => s.ItemId).Distinct().Count());
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                    return;
                }
            }
        }, TaskCreationOptions.LongRunning)).ToList();

        for (int i = 0; i < 5; i++)
        {
            await engine.TrainAsync();
            engine.Record(new Interaction($"late-{i}", "item-0002", InteractionKind.Like));
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Empty(errors);
        Assert.Equal(CollaborativeAlgorithm.ItemKnn, engine.LastTraining!.Algorithm);
    }

    [Fact]
    public async Task Record_RetrainAfterInteractions_TrainsInTheBackground()
    {
        using var engine = GroupsEngine(o => o.RetrainAfterInteractions = 50);

        for (int i = 0; i < 200 && engine.LastTraining is null; i++)
        {
            await Task.Delay(20);
        }

        Assert.NotNull(engine.LastTraining);
    }
}
