using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Catalog;

/// <summary>
/// UpsertItems builds the next catalog outside the engine's mutation lock (Record does not wait for the copy) and carries the
/// counters again when it publishes: nothing a concurrent Record counted is lost.
/// </summary>
public class CatalogChangeConcurrencyTests
{
    [Fact]
    public void UpsertItems_WhileAnotherThreadRecords_KeepsEveryCountedImpression()
    {
        using var engine = TestCatalog.InMemory(dimensions: 16);
        engine.UpsertItems(TestCatalog.Random(20_000, 16)); // each rebuild copies 20,000 rows: Records land during it
        long recorded = 0;
        bool stop = false;
        var recorder = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                engine.Record(new Interaction("p", "item-0001", InteractionKind.Impression));
                engine.Record(new Interaction("q", "item-0002", InteractionKind.Click));
                Interlocked.Increment(ref recorded);
            }
        });
        recorder.Start();
        for (int k = 0; k < 10; k++)
        {
            var fresh = TestCatalog.Random(50, 16, seed: 100 + k).Select(i => new ItemDefinition($"new-{k}-{i.Id}", i.Features, i.Tags)).ToList();
            engine.UpsertItems(fresh);
            engine.RemoveItem($"item-{1000 + k:D4}");
        }

        Volatile.Write(ref stop, true);
        recorder.Join();

        var catalog = engine.State.Catalog;
        Assert.Equal(20_000 + 500 - 10, catalog.Count);
        Assert.Equal(Interlocked.Read(ref recorded), catalog.Counters.Impressions(catalog.Index["item-0001"]));
        Assert.Equal(Interlocked.Read(ref recorded), catalog.Counters.Engagements(catalog.Index["item-0002"]));
    }

    [Fact]
    public void UpsertItems_ChangedItemWhileRecording_KeepsItsCounters()
    {
        using var engine = TestCatalog.InMemory(dimensions: 16);
        engine.UpsertItems(TestCatalog.Random(5_000, 16));
        for (int i = 0; i < 7; i++)
        {
            engine.Record(new Interaction("p", "item-0003", InteractionKind.Impression));
        }

        var changed = TestCatalog.Random(5_000, 16, seed: 42)[3];
        engine.UpsertItems(new[] { new ItemDefinition("item-0003", changed.Features, changed.Tags) });

        var catalog = engine.State.Catalog;
        Assert.Equal(7, catalog.Counters.Impressions(catalog.Index["item-0003"]));
    }
}
