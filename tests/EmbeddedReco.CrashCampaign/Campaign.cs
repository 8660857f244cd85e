using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace EmbeddedReco.Crash;

/// <summary>Settings of a campaign run.</summary>
internal sealed class CampaignOptions
{
    /// <summary>Total kills, spread evenly over <see cref="Modes"/> (the first modes get the remainder).</summary>
    public int Kills { get; set; } = 200;

    /// <summary>Seeds the kill delays and every child's workload.</summary>
    public int Seed { get; set; } = 1;

    public IReadOnlyList<string> Modes { get; set; } = CrashProtocol.Modes;

    /// <summary>Kills of one mode that reuse the same database file before a new one is started.</summary>
    public int KillsPerDatabase { get; set; } = 8;

    /// <summary>The kill comes a random delay in [min, max] ms after the child printed "ready".</summary>
    public int MinDelayMs { get; set; }

    public int MaxDelayMs { get; set; } = 1000;

    /// <summary>
    /// Share of kills (0 to 1, drawn with the seed) whose delay starts at the child's first acknowledgement after "ready" rather than at
    /// "ready": slow modes (a 2,000-item batch, a 3,000-item snapshot load) then also die with acknowledged work in the file.
    /// </summary>
    public double AfterAckShare { get; set; } = 0.5;

    /// <summary>EmbeddedReco.CrashHost.dll, started with "dotnet".</summary>
    public string HostPath { get; set; } = string.Empty;

    /// <summary>Where the databases go; a new folder under the temp path when null. Deleted at the end unless something failed or <see cref="Keep"/>.</summary>
    public string? WorkFolder { get; set; }

    public bool Keep { get; set; }

    /// <summary>Receives one line per kill; null = quiet.</summary>
    public TextWriter? Progress { get; set; }
}

/// <summary>Figures of one mode.</summary>
internal sealed class ModeResult
{
    public ModeResult(string mode)
    {
        Mode = mode;
    }

    public string Mode { get; }

    public int Kills { get; set; }

    public int Databases { get; set; }

    public long AckedOps { get; set; }

    public long Lost { get; set; }

    public long Duplicates { get; set; }

    public long Torn { get; set; }

    public long FailedOpens { get; set; }

    public long Notes { get; set; }

    public long HarnessErrors { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>Kill cycles whose verification found a problem.</summary>
    public int FailedKills { get; set; }

    public void Add(KillOutcome o)
    {
        Kills++;
        AckedOps += o.AckedOps;
        Lost += o.Lost;
        Duplicates += o.Duplicates;
        Torn += o.Torn;
        FailedOpens += o.FailedOpens;
        Notes += o.Notes;
        HarnessErrors += o.HarnessErrors;
        FailedKills += o.Failed ? 1 : 0;
    }
}

/// <summary>The figures of a campaign and its failures (each "mode db#n kill k: problem"), first failure first.</summary>
internal sealed class CampaignResult
{
    public List<ModeResult> Modes { get; } = new();

    public List<string> Failures { get; } = new();

    /// <summary>Non-failing observations, first ones only.</summary>
    public List<string> Notes { get; } = new();

    public TimeSpan Elapsed { get; set; }

    public string WorkFolder { get; set; } = string.Empty;

    public bool WorkFolderKept { get; set; }

    public int Kills => Modes.Sum(m => m.Kills);

    public long Lost => Modes.Sum(m => m.Lost);

    public long Duplicates => Modes.Sum(m => m.Duplicates);

    public long Torn => Modes.Sum(m => m.Torn);

    public long FailedOpens => Modes.Sum(m => m.FailedOpens);

    public long HarnessErrors => Modes.Sum(m => m.HarnessErrors);

    public bool Ok => Lost + Duplicates + Torn + FailedOpens + HarnessErrors == 0;

    /// <summary>The campaign's last line.</summary>
    public string Summary =>
        $"campaign: {Kills} kills, {Lost} lost, {Duplicates} duplicates, {FailedOpens} failed opens, {Torn} torn" +
        (HarnessErrors > 0 ? $", {HarnessErrors} harness errors" : string.Empty);
}

/// <summary>
/// Runs kill cycles: start the crash host in a workload mode on a database, wait for "ready", wait a seeded random delay, kill the
/// process tree (SIGKILL on Linux), collect every line it printed, then reopen the database and verify it (<see cref="Ledger"/>).
/// Several kills of a mode reuse the same database, so the file grows over kills.
/// </summary>
internal static class Campaign
{
    private const int MaxKeptFailures = 200;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(20);

    public static CampaignResult Run(CampaignOptions options)
    {
        if (!File.Exists(options.HostPath))
        {
            throw new FileNotFoundException($"crash host not built at {options.HostPath}", options.HostPath);
        }

        var unknown = options.Modes.Where(m => !CrashProtocol.Modes.Contains(m)).ToList();
        if (unknown.Count > 0 || options.Modes.Count == 0 || options.Kills < 1 || options.KillsPerDatabase < 1 ||
            options.MinDelayMs < 0 || options.MaxDelayMs < options.MinDelayMs || !(options.AfterAckShare >= 0 && options.AfterAckShare <= 1))
        {
            throw new ArgumentException("bad campaign options" + (unknown.Count > 0 ? ": unknown modes " + string.Join(",", unknown) : string.Empty));
        }

        string work = options.WorkFolder ?? Path.Combine(Path.GetTempPath(), "embeddedreco-campaign", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var result = new CampaignResult { WorkFolder = work };
        var rng = new Random(options.Seed);
        var total = Stopwatch.StartNew();
        for (int m = 0; m < options.Modes.Count; m++)
        {
            string mode = options.Modes[m];
            int kills = (options.Kills / options.Modes.Count) + (m < options.Kills % options.Modes.Count ? 1 : 0);
            var figures = new ModeResult(mode);
            result.Modes.Add(figures);
            var clock = Stopwatch.StartNew();
            Ledger? ledger = null;
            string db = string.Empty;
            int run = 0;
            for (int k = 0; k < kills; k++)
            {
                if (ledger is null || run == options.KillsPerDatabase)
                {
                    figures.Databases++;
                    string folder = Path.Combine(work, $"{mode}-db{figures.Databases}");
                    Directory.CreateDirectory(folder);
                    db = Path.Combine(folder, "reco.db");
                    ledger = new Ledger(db);
                    run = 0;
                }

                int delay = rng.Next(options.MinDelayMs, options.MaxDelayMs + 1);
                bool afterAck = rng.NextDouble() < options.AfterAckShare;
                var outcome = KillOnce(options, mode, db, run, delay, afterAck, ledger);
                figures.Add(outcome);
                string where = $"{mode} db#{figures.Databases} kill {run + 1}";
                string when = $"{delay} ms after {(afterAck ? "first ack" : "ready")}";
                foreach (string problem in outcome.Problems.Take(MaxKeptFailures - result.Failures.Count))
                {
                    result.Failures.Add($"{where} ({when}): {problem}");
                }

                foreach (string note in outcome.Observations.Take(20 - result.Notes.Count))
                {
                    result.Notes.Add($"{where}: {note}");
                }

                options.Progress?.WriteLine(
                    $"{where,-27} ready {outcome.ReadyMs,5} ms  kill {when,-25} verify {outcome.VerifyMs,5} ms  acked {outcome.AckedOps,6}  " +
                    (outcome.Failed ? "FAILED: " + outcome.Problems.FirstOrDefault() : "ok") +
                    (outcome.Notes > 0 ? $"  ({outcome.Notes} notes)" : string.Empty));
                run++;
                if (outcome.DatabaseDead)
                {
                    ledger = null;
                }
            }

            figures.Elapsed = clock.Elapsed;
        }

        result.Elapsed = total.Elapsed;
        result.WorkFolderKept = options.Keep || !result.Ok;
        if (!result.WorkFolderKept)
        {
            TryDelete(work);
        }

        return result;
    }

    private static KillOutcome KillOnce(CampaignOptions options, string mode, string db, int run, int delayMs, bool afterAck, Ledger ledger)
    {
        var outcome = new KillOutcome();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { options.HostPath, "crash", mode, db, options.Seed.ToString(CultureInfo.InvariantCulture), run.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(arg);
        }

        var lines = new List<string>();
        var errors = new List<string>();
        using var ready = new ManualResetEventSlim(false);
        using var acked = new ManualResetEventSlim(false);
        bool killed = false;
        using (var process = new Process { StartInfo = psi })
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (lines)
                {
                    lines.Add(e.Data);
                }

                if (e.Data == CrashProtocol.Ready)
                {
                    ready.Set();
                }
                else if (ready.IsSet && e.Data.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acked.Set();
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (errors)
                    {
                        errors.Add(e.Data);
                    }
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var wait = Stopwatch.StartNew();
            while (!ready.Wait(20) && !process.HasExited && wait.Elapsed < ReadyTimeout)
            {
            }

            outcome.ReadyMs = wait.ElapsedMilliseconds;
            if (ready.IsSet)
            {
                if (afterAck)
                {
                    acked.Wait(AckTimeout);
                }

                if (delayMs > 0)
                {
                    Thread.Sleep(delayMs);
                }

                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                }
            }
            else if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(); // also waits until both pipes reached end of file
            if (!killed)
            {
                outcome.HarnessErrors++;
                string why = ready.IsSet ? $"exited on its own (code {process.ExitCode}) before the kill" :
                    process.HasExited && wait.Elapsed < ReadyTimeout ? $"exited (code {process.ExitCode}) before printing ready" : "never printed ready";
                lock (errors)
                {
                    outcome.Problems.Add($"harness: the child {why}: {string.Join(" | ", errors.Take(5))}");
                }
            }
        }

        foreach (string line in lines)
        {
            if (line == CrashProtocol.Ready)
            {
                continue;
            }

            if (!CrashProtocol.TryParse(line, out string[] tokens))
            {
                continue; // cut by the kill: the operation it announced or acknowledged is treated as not printed
            }

            try
            {
                outcome.AckedOps += ledger.Apply(tokens);
            }
            catch (Exception ex) when (ex is FormatException || ex is KeyNotFoundException || ex is ArgumentException || ex is IndexOutOfRangeException)
            {
                outcome.HarnessErrors++;
                outcome.Problems.Add($"harness: bad line from the child '{line}': {ex.Message}");
            }
        }

        var verify = Stopwatch.StartNew();
        ledger.Verify(outcome);
        outcome.VerifyMs = verify.ElapsedMilliseconds;
        return outcome;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
