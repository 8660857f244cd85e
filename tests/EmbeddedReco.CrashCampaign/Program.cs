using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using EmbeddedReco.Crash;

// The kill -9 crash campaign (docs/RELIABILITY.md):
//   dotnet run -c Release --project tests/EmbeddedReco.CrashCampaign -- --kills 200 --seed 1
//       [--modes record,upsert,forget,snapshot-save,snapshot-load,mixed] [--kills-per-db 8] [--min-delay 0] [--max-delay 1000] [--after-ack 0.5]
//       [--work <folder>] [--keep] [--host <EmbeddedReco.CrashHost.dll>] [--json] [--quiet]
// Prints one line per kill (stderr), a table per mode and the summary line (stdout; --json: one JSON document instead).
// Exit code 0 when every invariant held, 1 when one broke (the first failure is printed), 2 for bad arguments.
if (args.Length > 0 && args[0] == "lag")
{
    return EmbeddedReco.Crash.CommitLag.Run(args, DefaultHostPath());
}

var options = new CampaignOptions { HostPath = DefaultHostPath(), Progress = Console.Error };
bool json = false;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
        switch (args[i])
        {
            case "--kills": options.Kills = Number(); break;
            case "--seed": options.Seed = Number(); break;
            case "--modes": options.Modes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
            case "--kills-per-db": options.KillsPerDatabase = Number(); break;
            case "--min-delay": options.MinDelayMs = Number(); break;
            case "--max-delay": options.MaxDelayMs = Number(); break;
            case "--after-ack": options.AfterAckShare = double.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--work": options.WorkFolder = Value(); break;
            case "--keep": options.Keep = true; break;
            case "--host": options.HostPath = Value(); break;
            case "--json": json = true; break;
            case "--quiet": options.Progress = null; break;
            default: throw new ArgumentException($"unknown argument {args[i]}");
        }
    }
}
catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

CampaignResult result;
try
{
    result = Campaign.Run(options);
}
catch (Exception ex) when (ex is ArgumentException || ex is FileNotFoundException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

Console.WriteLine(json ? Json(result, options) : Table(result, options));
return result.Ok ? 0 : 1;

static string DefaultHostPath()
{
    string sep = Path.DirectorySeparatorChar.ToString();
    return Path.Combine(
        AppContext.BaseDirectory.Replace(sep + "EmbeddedReco.CrashCampaign" + sep, sep + "EmbeddedReco.CrashHost" + sep, StringComparison.Ordinal),
        "EmbeddedReco.CrashHost.dll");
}

static string Table(CampaignResult r, CampaignOptions o)
{
    var s = new StringBuilder();
    s.AppendLine(CultureInfo.InvariantCulture, $"crash campaign: seed {o.Seed}, kill {o.MinDelayMs}-{o.MaxDelayMs} ms after ready ({o.AfterAckShare:P0} of kills: after the first ack that follows ready), up to {o.KillsPerDatabase} kills per database");
    s.AppendLine("| mode | kills | databases | acked ops | lost | duplicates | torn | failed opens | notes | time |");
    s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var m in r.Modes)
    {
        s.AppendLine(CultureInfo.InvariantCulture,
            $"| {m.Mode} | {m.Kills} | {m.Databases} | {m.AckedOps} | {m.Lost} | {m.Duplicates} | {m.Torn} | {m.FailedOpens} | {m.Notes} | {m.Elapsed.TotalSeconds:F0} s |");
    }

    s.AppendLine(CultureInfo.InvariantCulture,
        $"| total | {r.Kills} | {r.Modes.Sum(m => m.Databases)} | {r.Modes.Sum(m => m.AckedOps)} | {r.Lost} | {r.Duplicates} | {r.Torn} | {r.FailedOpens} | {r.Modes.Sum(m => m.Notes)} | {r.Elapsed.TotalSeconds:F0} s |");
    foreach (string note in r.Notes.Take(3))
    {
        s.AppendLine("note: " + note);
    }

    if (r.Failures.Count > 0)
    {
        s.AppendLine("failed kills: " + string.Join(", ", r.Modes.Where(m => m.FailedKills > 0).Select(m => $"{m.Mode} {m.FailedKills}/{m.Kills}")));
        s.AppendLine("first failure: " + r.Failures[0]);
        foreach (string f in r.Failures.Skip(1).Take(9))
        {
            s.AppendLine("  then: " + f);
        }
    }

    if (r.WorkFolderKept)
    {
        s.AppendLine("databases kept in " + r.WorkFolder);
    }

    s.Append(r.Summary);
    return s.ToString();
}

static string Json(CampaignResult r, CampaignOptions o)
{
    using var buffer = new MemoryStream();
    using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
    {
        w.WriteStartObject();
        w.WriteNumber("seed", o.Seed);
        w.WriteNumber("kills", r.Kills);
        w.WriteNumber("lost", r.Lost);
        w.WriteNumber("duplicates", r.Duplicates);
        w.WriteNumber("torn", r.Torn);
        w.WriteNumber("failedOpens", r.FailedOpens);
        w.WriteNumber("harnessErrors", r.HarnessErrors);
        w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 1));
        w.WriteBoolean("ok", r.Ok);
        w.WriteStartArray("modes");
        foreach (var m in r.Modes)
        {
            w.WriteStartObject();
            w.WriteString("mode", m.Mode);
            w.WriteNumber("kills", m.Kills);
            w.WriteNumber("databases", m.Databases);
            w.WriteNumber("ackedOps", m.AckedOps);
            w.WriteNumber("lost", m.Lost);
            w.WriteNumber("duplicates", m.Duplicates);
            w.WriteNumber("torn", m.Torn);
            w.WriteNumber("failedOpens", m.FailedOpens);
            w.WriteNumber("notes", m.Notes);
            w.WriteNumber("failedKills", m.FailedKills);
            w.WriteNumber("seconds", Math.Round(m.Elapsed.TotalSeconds, 1));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("failures");
        foreach (string f in r.Failures)
        {
            w.WriteStringValue(f);
        }

        w.WriteEndArray();
        w.WriteString("summary", r.Summary);
        w.WriteEndObject();
    }

    return Encoding.UTF8.GetString(buffer.ToArray());
}
