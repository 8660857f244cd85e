using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Interactions;

/// <summary>Record on a known player and a known item allocates nothing in steady state, for every interaction kind.</summary>
[Collection(SerialCollection.Name)]
public class RecordAllocationTests
{
    public static TheoryData<InteractionKind, double> Kinds() => new()
    {
        { InteractionKind.Impression, 1 },
        { InteractionKind.Click, 1 },
        { InteractionKind.Play, 120 },
        { InteractionKind.Purchase, 1 },
        { InteractionKind.Like, 1 },
        { InteractionKind.Dislike, 1 },
        { InteractionKind.Skip, 1 },
        { InteractionKind.Rating, 4 },
    };

    [Fact]
    public void Record_FirstPurchasesOfManyItems_CostDoesNotGrowWithTheConsumedSet()
    {
        // A first purchase adds the item to the player's consumed set. The set used to be copied whole on every such purchase (a
        // player with 300 purchases copied 300 entries for the next one); now it grows in place, so the bytes a first purchase
        // allocates (its history entry, the set's and the history's amortized growth) stay flat as the set grows.
        using var engine = TestCatalog.InMemory(pure: false);
        engine.UpsertItems(TestCatalog.Random(1000, 8));
        engine.Record(new Interaction("player-1", "item-0000", InteractionKind.Purchase));
        engine.Flush();

        long early = FirstPurchaseBytes(engine, 1, 200);
        long late = FirstPurchaseBytes(engine, 600, 800);

        Assert.True(late < 2 * early + 4096, $"purchases 600-799 allocated {late} B, purchases 1-199 {early} B");
    }

    [Theory]
    [InlineData(InteractionKind.Play)]
    [InlineData(InteractionKind.Purchase)]
    public void Record_NewItemsWhileTheWriterKeepsUp_AllocatesNothing(InteractionKind kind)
    {
        // A player's first interaction with an item adds state: a per-item state and a history entry (and, for a purchase, an
        // entry in the consumed set). The writer thread makes that room after each commit (ProfileRoom): pooled item states, the
        // player's sets grown ahead of need. A game whose writer commits between its frames' Records allocates nothing for them.
        using var engine = TestCatalog.InMemory(pure: false);
        engine.UpsertItems(TestCatalog.Random(1000, 8));
        for (int i = 0; i < 10; i++)
        {
            engine.Record(new Interaction("player-1", $"item-{i:D4}", kind)); // the player's first contact creates the profile
        }

        engine.Flush();
        var interactions = Enumerable.Range(10, 300).Select(i => new Interaction("player-1", $"item-{i:D4}", kind)).ToArray();
        long allocated = 0;
        int clean = 0;
        for (int frame = 0; frame < 60; frame++)
        {
            var pauses = GC.GetTotalPauseDuration();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                engine.Record(interactions[(frame * 5) + i]);
            }

            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (GC.GetTotalPauseDuration() == pauses)
            {
                allocated += bytes; // a frame during which a collection ran says nothing (AllocationMeter's remarks)
                clean++;
            }

            engine.Flush(); // the writer commits between frames, and makes room after the commit
        }

        Assert.True(clean >= 30, $"only {clean} frames ran without a collection");
        Assert.Equal(0, allocated);
    }

    private static long FirstPurchaseBytes(RecoEngine engine, int from, int to)
    {
        var interactions = Enumerable.Range(from, to - from).Select(i => new Interaction("player-1", $"item-{i:D4}", InteractionKind.Purchase)).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var interaction in interactions)
        {
            engine.Record(interaction);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Record_KnownPlayerAndItemSteadyState_AllocatesNothing(InteractionKind kind, double value)
    {
        using var engine = TestCatalog.InMemory(pure: false);
        engine.UpsertItems(TestCatalog.Random(200, 8));
        var interaction = new Interaction("player-1", "item-0007", kind, value);
        for (int i = 0; i < 200; i++)
        {
            engine.Record(interaction); // warm-up: the player, the per-item state, the day bucket, the queue capacity
        }

        engine.Flush();

        long allocated = AllocationMeter.SteadyStateBytes(() => engine.Record(interaction), cleanCalls: 200);

        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Record_WithExperimentAndAdvancingClock_AllocatesNothing(InteractionKind kind, double value)
    {
        var clock = new TestClock();
        var options = TestCatalog.Options(clock: clock, pure: false);
        options.Experiment = new Experiment("shelf", new[] { new ExperimentVariant("a", 1), new ExperimentVariant("b", 1) });
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(200, 8));
        var interaction = new Interaction("player-1", "item-0007", kind, value);
        for (int i = 0; i < 200; i++)
        {
            engine.Record(interaction);
        }

        engine.Flush();

        long allocated = AllocationMeter.SteadyStateBytes(
            () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(10)); // same session, same day: no new bucket
                engine.Record(interaction);
            },
            cleanCalls: 200);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Record_WhileAnotherThreadFlushesWithoutPause_AllocatesNothingOnCallingThread()
    {
        using var engine = TestCatalog.InMemory(pure: false);
        engine.UpsertItems(TestCatalog.Random(200, 8));
        var click = new Interaction("player-1", "item-0007", InteractionKind.Click);
        for (int i = 0; i < 200; i++)
        {
            engine.Record(click);
        }

        engine.Flush();
        using var stop = new CancellationTokenSource();
        var flusher = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                engine.Flush(); // commit and checkpoint on the writer thread, again and again
            }
        });
        flusher.Start();
        try
        {
            long allocated = AllocationMeter.SteadyStateBytes(() => engine.Record(click), cleanCalls: 200, maxWindows: 5000);

            Assert.Equal(0, allocated);
        }
        finally
        {
            stop.Cancel();
            flusher.Join();
        }
    }

    [Fact]
    public void RecordShown_KnownPlayerAndItemsSteadyState_AllocatesNothing()
    {
        var options = TestCatalog.Options(pure: false);
        options.Experiment = new Experiment("shelf", new[] { new ExperimentVariant("a", 1), new ExperimentVariant("b", 1) });
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(200, 8));
        engine.Record(new Interaction("player-1", "item-0007", InteractionKind.Like));
        var shelf = new Suggestion[5];
        int n = engine.Suggest("player-1", shelf);
        for (int i = 0; i < 200; i++)
        {
            engine.RecordShown("player-1", shelf.AsSpan(0, n)); // warm-up: the per-item states of the shelf, the queue capacity
        }

        engine.Flush();

        long allocated = AllocationMeter.SteadyStateBytes(() => engine.RecordShown("player-1", shelf.AsSpan(0, n)), cleanCalls: 100);

        Assert.Equal(0, allocated);
    }
}
