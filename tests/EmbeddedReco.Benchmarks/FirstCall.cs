using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using EmbeddedReco;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// The cost of the first <c>Suggest</c> in a fresh process (JIT, tiering, first-touch of working memory), which BenchmarkDotNet
/// cannot show (it warms up). The parent spawns N fresh child processes of this program; each builds a catalog (default 10k x 64)
/// in a <c>:memory:</c> engine, records a few likes for two players, flushes, optionally calls <c>Warmup()</c>, then times with a
/// Stopwatch the first Suggest (player A), the second (player B) and the median of 50 further calls. The parent prints each run
/// and the median over runs of each figure.
/// <c>--no-background</c> turns <see cref="RecoEngineOptions.WarmupInBackground"/> off (the engine before it); <c>--immediate</c>
/// calls the first Suggest right after <c>UpsertItems</c> and the Records, without the Flush (the background warm-up is then
/// still running: the worst case for a host that opens its shop at once).
/// Run: dotnet run -c Release --project tests/EmbeddedReco.Benchmarks -- firstcall [--items 10000] [--runs 7] [--warmup] [--no-background] [--immediate]
/// </summary>
internal static class FirstCall
{
    private const int Dims = 64;
    private const int SteadyCalls = 50;
    private const string ResultTag = "FIRSTCALL";

    public static int RunParent(string[] args)
    {
        int items = IntOption(args, "--items", 10_000);
        int runs = IntOption(args, "--runs", 7);
        bool warmup = args.Contains("--warmup");
        string[] flags = args.Where(a => a is "--warmup" or "--no-background" or "--immediate").ToArray();
        Console.WriteLine(MachineLine());
        Console.WriteLine($"firstcall: {runs} fresh processes, {items} items x {Dims} dims, Warmup() {(warmup ? "called" : "not called")}, background warm-up {(args.Contains("--no-background") ? "off" : "on")}{(args.Contains("--immediate") ? ", first Suggest right after UpsertItems (no Flush)" : "")}");
        Console.WriteLine("run  first Suggest (us)  second Suggest (us)  steady median of 50 (us)  Warmup() (ms)  catalog build (ms)  background warm-up (ms)");
        var first = new List<double>();
        var second = new List<double>();
        var steady = new List<double>();
        var warm = new List<double>();
        for (int run = 1; run <= runs; run++)
        {
            var figures = Spawn(items, flags);
            if (figures is null)
            {
                Console.Error.WriteLine($"run {run}: the child failed");
                return 1;
            }

            first.Add(figures[0]);
            second.Add(figures[1]);
            steady.Add(figures[2]);
            warm.Add(figures[3]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run,3}  {figures[0],18:F1}  {figures[1],19:F1}  {figures[2],24:F1}  {figures[3],13:F2}  {figures[4],18:F0}  {figures[5],23:F0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {Median(first),16:F1}  {Median(second),19:F1}  {Median(steady),24:F1}  {Median(warm),13:F2}"));
        return 0;
    }

    public static int RunChild(string[] args)
    {
        int items = IntOption(args, "--items", 10_000);
        bool warmup = args.Contains("--warmup");
        bool immediate = args.Contains("--immediate");
        long t0 = Stopwatch.GetTimestamp();
        var catalog = BenchmarkCatalog.Random(items, Dims);
        using var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims, WarmupInBackground = !args.Contains("--no-background") });
        engine.UpsertItems(catalog);
        var rng = new Random(3);
        foreach (string player in new[] { "player-a", "player-b" })
        {
            for (int k = 0; k < 4; k++)
            {
                engine.Record(new Interaction(player, $"item-{rng.Next(items):D6}", k == 3 ? InteractionKind.Purchase : InteractionKind.Click));
            }
        }

        if (!immediate)
        {
            engine.Flush();
        }

        double buildMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

        var buffer = new Suggestion[10];
        double warmupMs = 0;
        if (warmup)
        {
            long w = Stopwatch.GetTimestamp();
            engine.Warmup();
            warmupMs = Stopwatch.GetElapsedTime(w).TotalMilliseconds;
        }

        long s = Stopwatch.GetTimestamp();
        engine.Suggest("player-a", buffer);
        double firstUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        s = Stopwatch.GetTimestamp();
        engine.Suggest("player-b", buffer);
        double secondUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        var steady = new double[SteadyCalls];
        for (int i = 0; i < SteadyCalls; i++)
        {
            s = Stopwatch.GetTimestamp();
            engine.Suggest((i & 1) == 0 ? "player-a" : "player-b", buffer);
            steady[i] = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        }

        EmbeddedReco.Suggesting.BackgroundWarmup.Idle.Wait();
        double backgroundMs = EmbeddedReco.Suggesting.BackgroundWarmup.Started == 0 ? 0 : EmbeddedReco.Suggesting.BackgroundWarmup.LastMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ResultTag} {firstUs:R} {secondUs:R} {Median(steady):R} {warmupMs:R} {buildMs:R} {backgroundMs:R}"));
        return 0;
    }

    private static double[]? Spawn(int items, string[] flags)
    {
        string processPath = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.FileName = processPath;
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        else
        {
            psi.FileName = processPath;
        }

        psi.ArgumentList.Add("firstcall-child");
        psi.ArgumentList.Add("--items");
        psi.ArgumentList.Add(items.ToString(CultureInfo.InvariantCulture));
        foreach (string flag in flags)
        {
            psi.ArgumentList.Add(flag);
        }

        using var child = Process.Start(psi)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith(ResultTag + " ", StringComparison.Ordinal))
            {
                return line.Substring(ResultTag.Length + 1).Trim().Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            }
        }

        Console.Error.Write(output);
        return null;
    }

    private static string MachineLine()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    cpu = line.Substring(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return $"machine: {cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}";
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
