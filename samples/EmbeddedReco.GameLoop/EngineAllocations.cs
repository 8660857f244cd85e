namespace EmbeddedReco.GameLoop;

/// <summary>
/// Bytes allocated on the loop thread inside engine calls (<c>GC.GetAllocatedBytesForCurrentThread</c> deltas around each
/// Suggest and each Record), kept apart from the simulator's, and split at the end of a warm-up window of simulated time: a
/// player's first contact creates their profile, which legitimately allocates. Plain counters, updated without allocating.
/// </summary>
/// <remarks>
/// A call during which a garbage collection ran (started by any thread: the engine's writer allocates in LiteDB) is counted apart
/// and not against the target: a collection that suspends the loop thread moves its allocation counter by up to one allocation
/// quantum (about 8 KB) although the thread allocated nothing (measured on .NET 10, see the tests' AllocationMeter). Code that
/// allocates does so in the calls without a collection too, so those calls alone decide the target.
/// </remarks>
internal sealed class EngineAllocations
{
    /// <summary>Creates the counters for a warm-up window of <paramref name="warmupSeconds"/> simulated seconds.</summary>
    /// <param name="warmupSeconds">Simulated seconds at the start of the loop whose shop opens are not counted against the target.</param>
    public EngineAllocations(int warmupSeconds)
    {
        WarmupSeconds = warmupSeconds;
    }

    /// <summary>The warm-up window in simulated seconds.</summary>
    public int WarmupSeconds { get; }

    /// <summary>Bytes allocated inside Suggest calls, whole loop.</summary>
    public long SuggestBytes { get; private set; }

    /// <summary>Bytes allocated inside Record calls, whole loop.</summary>
    public long RecordBytes { get; private set; }

    /// <summary>Bytes allocated inside Suggest calls of shop opens after the warm-up window.</summary>
    public long SuggestBytesAfterWarmup { get; private set; }

    /// <summary>Bytes allocated inside Record calls of shop opens after the warm-up window.</summary>
    public long RecordBytesAfterWarmup { get; private set; }

    /// <summary>Shop opens after the warm-up window.</summary>
    public long ShopOpensAfterWarmup { get; private set; }

    /// <summary>Bytes allocated inside engine calls (Suggest + Record), whole loop.</summary>
    public long EngineBytes => SuggestBytes + RecordBytes;

    /// <summary>Engine bytes per shop open after the warm-up window (0 when there was none).</summary>
    public double BytesPerShopOpenAfterWarmup =>
        ShopOpensAfterWarmup == 0 ? 0 : (double)(SuggestBytesAfterWarmup + RecordBytesAfterWarmup) / ShopOpensAfterWarmup;

    /// <summary>Engine calls after the warm-up window during which a collection ran (not counted against the target).</summary>
    public long CallsDuringGcAfterWarmup { get; private set; }

    /// <summary>What the allocation counter moved by in those calls.</summary>
    public long BytesDuringGcAfterWarmup { get; private set; }

    /// <summary>Counts one shop open's Suggest.</summary>
    /// <param name="bytes">Bytes allocated inside the call.</param>
    /// <param name="afterWarmup">Whether the shop open is after the warm-up window.</param>
    /// <param name="duringGc">Whether a collection ran during the call (see the remarks).</param>
    public void AddSuggest(long bytes, bool afterWarmup, bool duringGc)
    {
        SuggestBytes += bytes;
        if (afterWarmup)
        {
            ShopOpensAfterWarmup++;
            if (!CountedApart(bytes, duringGc))
            {
                SuggestBytesAfterWarmup += bytes;
            }
        }
    }

    /// <summary>Counts one Record call.</summary>
    /// <param name="bytes">Bytes allocated inside the call.</param>
    /// <param name="afterWarmup">Whether its shop open is after the warm-up window.</param>
    /// <summary>Record calls after the warm-up window that were a player's first interaction with an item (a new history entry).</summary>
    public long FirstPairRecordsAfterWarmup { get; private set; }

    /// <summary>Bytes those first-pair calls allocated (the player's history grows: new state, not garbage).</summary>
    public long FirstPairBytesAfterWarmup { get; private set; }

    /// <summary>Record calls after the warm-up window on a (player, item) pair seen before.</summary>
    public long RepeatRecordsAfterWarmup { get; private set; }

    /// <summary>Bytes the repeat calls allocated (the steady state: the target is 0).</summary>
    public long RepeatBytesAfterWarmup { get; private set; }

    /// <summary>
    /// Adds one Record call's allocation; <paramref name="firstPair"/>: the player's first interaction with this item;
    /// <paramref name="duringGc"/>: a collection ran during the call (see the remarks).
    /// </summary>
    public void AddRecord(long bytes, bool afterWarmup, bool firstPair, bool duringGc)
    {
        RecordBytes += bytes;
        if (afterWarmup && !CountedApart(bytes, duringGc))
        {
            RecordBytesAfterWarmup += bytes;
            if (firstPair)
            {
                FirstPairRecordsAfterWarmup++;
                FirstPairBytesAfterWarmup += bytes;
            }
            else
            {
                RepeatRecordsAfterWarmup++;
                RepeatBytesAfterWarmup += bytes;
            }
        }
    }

    /// <summary>Counts a call during which a collection ran apart; false for any other call.</summary>
    private bool CountedApart(long bytes, bool duringGc)
    {
        if (!duringGc)
        {
            return false;
        }

        CallsDuringGcAfterWarmup++;
        BytesDuringGcAfterWarmup += bytes;
        return true;
    }

    /// <summary>
    /// The report lines: engine bytes per shop open after the warm-up window against the target of 0 (met or not met), with the
    /// Suggest and Record shares and the window's own bytes; then the loop thread's total split into engine and everything else.
    /// </summary>
    /// <param name="loopBytes">All bytes allocated on the loop thread during the loop.</param>
    public string[] Report(long loopBytes)
    {
        double perOpen = BytesPerShopOpenAfterWarmup;
        double Per(long bytes) => ShopOpensAfterWarmup == 0 ? 0 : (double)bytes / ShopOpensAfterWarmup;
        long warmupBytes = EngineBytes - SuggestBytesAfterWarmup - RecordBytesAfterWarmup;
        string verdict = ShopOpensAfterWarmup == 0 ? "not checked, no shop open after the window"
            : SuggestBytesAfterWarmup + RecordBytesAfterWarmup == 0 ? "met" : "not met";
        return new[]
        {
            $"Engine allocations on the loop thread after the first {WarmupSeconds} simulated s (warm-up window: first contacts create profiles): "
                + $"{perOpen:0.0} B per shop open over {ShopOpensAfterWarmup} shop opens (Suggest {Per(SuggestBytesAfterWarmup):0.0} B + Record "
                + $"{Per(RecordBytesAfterWarmup):0.0} B; in all Suggest {SuggestBytesAfterWarmup} B, Record {RecordBytesAfterWarmup} B; target 0 B: {verdict}); "
                + $"first {WarmupSeconds} s: {warmupBytes / 1024.0:0.0} KiB",
            $"  of Record's: {FirstPairBytesAfterWarmup / 1024.0:0.0} KiB on {FirstPairRecordsAfterWarmup} calls that add state (a player's first interaction with an item or first purchase of it: "
                + $"{(FirstPairRecordsAfterWarmup == 0 ? 0 : (double)FirstPairBytesAfterWarmup / FirstPairRecordsAfterWarmup):0} B each, state that stays), "
                + $"{RepeatBytesAfterWarmup} B on the {RepeatRecordsAfterWarmup} other calls (steady state, target 0 B: {(RepeatBytesAfterWarmup == 0 ? "met" : "not met")})",
            $"  not counted: {CallsDuringGcAfterWarmup} engine calls during which a collection ran (the counter moved {BytesDuringGcAfterWarmup} B: a collection that "
                + "suspends the thread moves it by up to an allocation quantum without an allocation)",
            $"Allocations on the loop thread: {loopBytes / 1024.0:0.0} KiB total = engine calls {EngineBytes / 1024.0:0.0} KiB "
                + $"(Suggest {SuggestBytes / 1024.0:0.0} KiB, Record {RecordBytes / 1024.0:0.0} KiB) + simulator and demo {(loopBytes - EngineBytes) / 1024.0:0.0} KiB",
        };
    }
}
