using EmbeddedReco.Tests.Infrastructure;
using EmbeddedReco.Tests.Storage;

namespace EmbeddedReco.Tests.Engine;

public class ConcurrencyTests
{
    [Fact]
    public async Task SuggestRecordUpsertFlush_OnManyThreads_ListsWellFormedAndEveryRecordPersisted()
    {
        using var folder = new TempFolder();
        string path = folder.File("stress.db");
        const int Dims = 16;
        long recorded = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using (var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: Dims)))
        {
            engine.UpsertItems(TestCatalog.Random(300, Dims));
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var removed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();

            void Guarded(Action body)
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        body();
                    }
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }

            var tasks = new List<Task>();
            for (int t = 0; t < 3; t++)
            {
                int seed = t;
                tasks.Add(Task.Factory.StartNew(() =>
                {
                    var rng = new Random(seed);
                    var buffer = new Suggestion[10];
                    Guarded(() =>
                    {
                        int count = rng.Next(1, 11);
                        int n = engine.Suggest($"user-{rng.Next(20)}", buffer.AsSpan(0, count));
                        Assert.Equal(count, n);
                        var ids = buffer.Take(n).Select(s => s.ItemId).ToList();
                        Assert.Equal(n, ids.Distinct().Count());
                        Assert.All(buffer.Take(n), s => Assert.True(float.IsFinite(s.Score)));
                    });
                }, TaskCreationOptions.LongRunning));
            }

            tasks.Add(Task.Factory.StartNew(() =>
            {
                var rng = new Random(100);
                Guarded(() =>
                {
                    engine.Record(new Interaction($"user-{rng.Next(20)}", $"item-{rng.Next(300):D4}", (InteractionKind)rng.Next(0, 8), rng.Next(0, 5)));
                    Interlocked.Increment(ref recorded);
                });
            }, TaskCreationOptions.LongRunning));
            tasks.Add(Task.Factory.StartNew(() =>
            {
                var rng = new Random(200);
                int next = 0;
                Guarded(() =>
                {
                    var item = TestCatalog.Random(1, Dims, seed: next)[0];
                    engine.UpsertItem(new ItemDefinition($"new-{next++:D5}", item.Features, item.Tags));
                    string victim = $"new-{rng.Next(Math.Max(1, next)):D5}";
                    if (engine.RemoveItem(victim))
                    {
                        removed[victim] = true;
                    }

                    Thread.Sleep(1);
                });
            }, TaskCreationOptions.LongRunning));
            tasks.Add(Task.Factory.StartNew(() => Guarded(() =>
            {
                engine.Flush();
                Thread.Sleep(20);
            }), TaskCreationOptions.LongRunning));

            await Task.WhenAll(tasks);
            Assert.Empty(errors);
            foreach (var id in removed.Keys)
            {
                Assert.False(engine.ContainsItem(id));
            }

            Assert.DoesNotContain(Enumerable.Range(0, 20).SelectMany(u => engine.Suggest($"user-{u}", 50)), s => removed.ContainsKey(s.ItemId));
            engine.Flush();
        }

        Assert.True(recorded > 100, $"only {recorded} records");
        Assert.Equal(recorded, StorageInspector.CountInteractions(path));
    }
}
