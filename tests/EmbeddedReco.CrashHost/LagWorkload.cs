using System;
using System.Diagnostics;
using System.Globalization;
using EmbeddedReco;

/// <summary>
/// The commit-lag workload: records at a fixed rate without ever calling Flush and prints how many it has recorded; the campaign's
/// `lag` command kills it and counts what reached the file. Usage: crash-host lag &lt;db&gt; &lt;records per second, 0 = as fast as
/// possible&gt; &lt;players&gt;.
/// </summary>
internal static class LagWorkload
{
    public static int Run(string[] args)
    {
        string path = args[1];
        int rate = int.Parse(args[2], CultureInfo.InvariantCulture);
        int players = int.Parse(args[3], CultureInfo.InvariantCulture);
        using var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = path, Dimensions = 32 });
        var rng = new Random(1);
        var items = new ItemDefinition[1000];
        for (int i = 0; i < items.Length; i++)
        {
            var v = new float[32];
            for (int d = 0; d < v.Length; d++)
            {
                v[d] = (float)(rng.NextDouble() - 0.5);
            }

            items[i] = new ItemDefinition($"item-{i:D4}", v, new[] { $"t{i % 10}" });
        }

        engine.UpsertItems(items);
        engine.Flush();
        Console.WriteLine("ready");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var sw = Stopwatch.StartNew();
        long n = 0;
        while (true)
        {
            engine.Record(new Interaction($"player-{rng.Next(players)}", $"item-{rng.Next(1000):D4}", (InteractionKind)rng.Next(0, 6), 1, start.AddMilliseconds(n)));
            n++;
            if (n % 20 == 0)
            {
                Console.WriteLine("rec " + n.ToString(CultureInfo.InvariantCulture));
            }

            if (rate > 0)
            {
                double due = n / (double)rate;
                while (sw.Elapsed.TotalSeconds < due)
                {
                    System.Threading.Thread.Sleep(0);
                }
            }
        }
    }
}
