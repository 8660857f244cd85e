namespace EmbeddedReco.Fleet;

/// <summary>Figures of one fleet training run.</summary>
public sealed class FleetTrainingReport
{
    internal FleetTrainingReport(int files, long events, long unknownItemEvents, long users, long pairs, int modelItems, long readMilliseconds, long gramMilliseconds, long solveMilliseconds)
    {
        Files = files;
        Events = events;
        UnknownItemEvents = unknownItemEvents;
        Users = users;
        Pairs = pairs;
        ModelItems = modelItems;
        ReadMilliseconds = readMilliseconds;
        GramMilliseconds = gramMilliseconds;
        SolveMilliseconds = solveMilliseconds;
    }

    /// <summary>Event files read.</summary>
    public int Files { get; }

    /// <summary>Event rows read.</summary>
    public long Events { get; }

    /// <summary>Rows skipped because their item is not in the catalog.</summary>
    public long UnknownItemEvents { get; }

    /// <summary>Distinct players (by pseudonym or id) with at least one training pair.</summary>
    public long Users { get; }

    /// <summary>Distinct (player, item) training pairs.</summary>
    public long Pairs { get; }

    /// <summary>Items in the trained model (0 = not enough data).</summary>
    public int ModelItems { get; }

    /// <summary>Pass 1 (read and partition), in milliseconds.</summary>
    public long ReadMilliseconds { get; }

    /// <summary>Pass 2 (per-shard rows into the Gram matrix), in milliseconds.</summary>
    public long GramMilliseconds { get; }

    /// <summary>Solving EASE or selecting kNN neighbours, in milliseconds.</summary>
    public long SolveMilliseconds { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Files} files, {Events:N0} events ({UnknownItemEvents:N0} of unknown items), {Users:N0} players, {Pairs:N0} pairs, {ModelItems} model items; read {ReadMilliseconds} ms, Gram {GramMilliseconds} ms, solve {SolveMilliseconds} ms";
}
