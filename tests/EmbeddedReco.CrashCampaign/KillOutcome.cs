using System.Collections.Generic;

namespace EmbeddedReco.Crash;

/// <summary>What the verification after one kill found. Every count is in acknowledged operations unless said otherwise.</summary>
internal sealed class KillOutcome
{
    /// <summary>Operations the child acknowledged during this run: interactions recorded, upsert batches, players forgotten,
    /// snapshot saves, snapshot loads.</summary>
    public long AckedOps { get; set; }

    /// <summary>Acknowledged operations missing after the kill (or state seen at an earlier check that went back).</summary>
    public long Lost { get; set; }

    /// <summary>Interactions present more often than the child recorded them (log rows or profile counts), or logged twice.</summary>
    public long Duplicates { get; set; }

    /// <summary>All-or-nothing broken: a partly written upsert batch, a mix of two snapshot catalogs, a half-forgotten player,
    /// a snapshot file holding no announced save.</summary>
    public long Torn { get; set; }

    /// <summary>The database did not open, or a snapshot file under its final name did not load.</summary>
    public long FailedOpens { get; set; }

    /// <summary>Observations that break no invariant of the campaign (stale snapshot temp files, a profile behind the log).</summary>
    public long Notes { get; set; }

    /// <summary>The child died or misbehaved on its own (not a storage finding; the campaign fails).</summary>
    public long HarnessErrors { get; set; }

    /// <summary>True when the file did not open: the next kill of this mode starts a new database.</summary>
    public bool DatabaseDead { get; set; }

    /// <summary>From the start of the child to its "ready" line, and the time the verification took.</summary>
    public long ReadyMs { get; set; }

    public long VerifyMs { get; set; }

    public List<string> Problems { get; } = new();

    public List<string> Observations { get; } = new();

    public bool Failed => Lost + Duplicates + Torn + FailedOpens + HarnessErrors > 0;
}
