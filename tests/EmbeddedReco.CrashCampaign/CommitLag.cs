using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using EmbeddedReco;

namespace EmbeddedReco.Crash;

/// <summary>
/// How far the file lags behind memory under a steady load: the host records at a fixed rate and never calls Flush; the child is
/// killed after a while, and what it had recorded minus what the reopened file holds, divided by the rate, is the commit lag at
/// the kill. Usage: `lag [--rates 200,1000,5000,0] [--kills 5] [--seconds 3] [--players 200]`.
/// </summary>
internal static class CommitLag
{
    public static int Run(string[] args, string hostPath)
    {
        int[] rates = { 200, 1000, 5000, 0 };
        int kills = 5;
        double seconds = 3;
        int players = 200;
        for (int i = 1; i < args.Length; i++)
        {
            string value = args[++i];
            switch (args[i - 1])
            {
                case "--rates": rates = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--kills": kills = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--players": players = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i - 1]}");
            }
        }

        var table = new StringBuilder();
        table.AppendLine("| rate (records/s) | kills | recorded at the kill (median) | durable lag, records (median / max) | lag, ms (median / max) |");
        table.AppendLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (int rate in rates)
        {
            var lags = new List<long>();
            var recordedAll = new List<long>();
            var lagMs = new List<double>();
            for (int k = 0; k < kills; k++)
            {
                string dir = Path.Combine(Path.GetTempPath(), "embeddedreco-lag", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(dir);
                string db = Path.Combine(dir, "lag.db");
                var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (string a in new[] { hostPath, "lag", db, rate.ToString(CultureInfo.InvariantCulture), players.ToString(CultureInfo.InvariantCulture) })
                {
                    psi.ArgumentList.Add(a);
                }

                long recorded = 0;
                var sw = new Stopwatch();
                using (var child = Process.Start(psi)!)
                {
                    if (child.StandardOutput.ReadLine() != "ready")
                    {
                        throw new InvalidOperationException("the lag host did not start");
                    }

                    sw.Start();
                    var reader = new Thread(() =>
                    {
                        string? line;
                        while ((line = child.StandardOutput.ReadLine()) is not null)
                        {
                            if (line.StartsWith("rec ", StringComparison.Ordinal))
                            {
                                Volatile.Write(ref recorded, long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
                            }
                        }
                    });
                    reader.Start();
                    Thread.Sleep(TimeSpan.FromSeconds(seconds));
                    long atKill = Volatile.Read(ref recorded);
                    double elapsed = sw.Elapsed.TotalSeconds;
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit();
                    reader.Join();
                    recorded = atKill;
                    using (RecoEngine.Open(new RecoEngineOptions { DatabasePath = db, Dimensions = 32 }))
                    {
                        // Opening recovers the log: what the kill left is now in the data file.
                    }

                    long durable = DatabaseInspector.Read(db).Rows.Values.Sum();
                    long lag = Math.Max(0, atKill - durable);
                    double effectiveRate = rate > 0 ? rate : atKill / elapsed;
                    lags.Add(lag);
                    recordedAll.Add(atKill);
                    lagMs.Add(lag / effectiveRate * 1000);
                }

                try
                {
                    Directory.Delete(dir, true);
                }
                catch (IOException)
                {
                }
            }

            lags.Sort();
            recordedAll.Sort();
            lagMs.Sort();
            string name = rate > 0 ? rate.ToString("N0", CultureInfo.InvariantCulture) : "unthrottled";
            string line = $"| {name} | {kills} | {recordedAll[kills / 2]:N0} | {lags[kills / 2]:N0} / {lags[^1]:N0} | {lagMs[kills / 2]:F0} / {lagMs[^1]:F0} |";
            table.AppendLine(line);
            Console.Error.WriteLine(line);
        }

        Console.WriteLine(table.ToString());
        return 0;
    }
}
