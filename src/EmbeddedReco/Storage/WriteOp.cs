using System;
using System.Threading;

namespace EmbeddedReco.Storage;

internal enum WriteOpKind : byte
{
    LogInteraction,
    UserChanged,
    ItemChanged,
    ForgetUser,
    EngagementChanged,
    Flush,

    /// <summary>One per-item state of a player changed (Key = player, Key2 = item): a small document, not the whole history.</summary>
    UserItemChanged,

    /// <summary>A player's whole state was replaced (a snapshot load): the profile and every per-item state are rewritten.</summary>
    UserReplaced,

    /// <summary>Deletes the interaction log rows with ids up to <see cref="WriteOp.Sequence"/> (exported and confirmed, or over the size cap).</summary>
    PruneLog,

    /// <summary>Writes nothing: marks a batch whose writes were all coalesced state keys (<see cref="DirtyKeys"/>), so the writer wakes and takes them.</summary>
    StateChanged,
}

/// <summary>One queued write. A value type: queuing a Record's writes allocates nothing in steady state.</summary>
internal readonly struct WriteOp
{
    public WriteOp(WriteOpKind kind, string key, string? key2 = null, int interactionKind = 0, double value = 0, long ticks = 0, FlushRequest? flush = null, long sequence = 0, in ShownContext shown = default)
    {
        Shown = shown;
        Kind = kind;
        Key = key;
        Key2 = key2;
        InteractionKind = interactionKind;
        Value = value;
        Ticks = ticks;
        Flush = flush;
        Sequence = sequence;
    }

    public WriteOpKind Kind { get; }

    public string Key { get; }

    public string? Key2 { get; }

    public int InteractionKind { get; }

    public double Value { get; }

    public long Ticks { get; }

    public FlushRequest? Flush { get; }

    /// <summary>The id of a log row (<see cref="WriteOpKind.LogInteraction"/>), given when queued: a replay rewrites the same row.</summary>
    public long Sequence { get; }

    /// <summary>For a log row: the experiment variant, and for an impression of a shown list the slot's source and propensity.</summary>
    public ShownContext Shown { get; }

    public WriteOp WithSequence(long sequence) => new WriteOp(Kind, Key, Key2, InteractionKind, Value, Ticks, Flush, sequence, Shown);
}

/// <summary>
/// What the policy logged with an interaction, kept in its log row and exported (for off-policy evaluation): the player's experiment
/// variant (null without an experiment) and, for an impression of a list the engine suggested, the slot's source and propensity.
/// </summary>
internal readonly struct ShownContext
{
    public ShownContext(string? variant, SuggestionSource? source, double? propensity)
    {
        Variant = variant;
        Source = source;
        Propensity = propensity;
    }

    public string? Variant { get; }

    public SuggestionSource? Source { get; }

    public double? Propensity { get; }
}

internal sealed class FlushRequest
{
    public ManualResetEventSlim Done { get; } = new ManualResetEventSlim(false);

    public Exception? Error { get; set; }

    /// <summary>Optional read run on the writer thread after the flush's commit and checkpoint (the export reads the log so).</summary>
    public Action<LiteDB.LiteDatabase>? Work { get; set; }
}
