// The storage checks of the reliability work, as a host program for ../shared/mono/run.sh: it runs under classic Mono (Unity's
// runtime family) and under .NET, against the netstandard2.1 build. Plain C# (no top-level statements, no async Main).
// Usage: Host <label>                     runs every check, prints "SUMMARY <label>: N passed, M failed"
//        Host child <mode> <db path>      a child process the checks start and kill (modes: hold, commit, flush)
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Threading;
using EmbeddedReco;

public static class StorageHost
{
    private static int _passed;
    private static int _failed;

    public static int Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "child")
        {
            return Child(args[1], args[2]);
        }

        string label = args.Length > 0 ? args[0] : "host";
        string dir = Path.Combine(Path.GetTempPath(), "reco-monohost-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Check("flush checkpoints and the engine keeps working", () => FlushThenRecord(dir));
            Check("reopen restores items and profiles", () => Reopen(dir));
            Check("ids differing only by case stay apart on disk", () => OrdinalIds(dir));
            Check("a foreign file is refused and left unchanged", () => ForeignFile(dir));
            Check("a second engine on an open file is refused", () => SecondOpenInProcess(dir));
            Check("another process holding the file is respected", () => HeldByOtherProcess(dir));
            Check("a committed write survives kill -9 without Flush", () => CommitSurvivesKill(dir));
            Check("flushed writes survive kill -9", () => FlushSurvivesKill(dir));
        }
        finally
        {
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
            }
        }

        Latency(label);
        Console.WriteLine("SUMMARY " + label + ": " + _passed + " passed, " + _failed + " failed");
        return _failed == 0 ? 0 : 1;
    }

    private static void Check(string name, Action check)
    {
        try
        {
            check();
            _passed++;
            Console.WriteLine("PASS " + name);
        }
        catch (Exception ex)
        {
            _failed++;
            Console.WriteLine("FAIL " + name + ": " + ex);
        }
    }

    private static void Assert(bool condition, string what)
    {
        if (!condition)
        {
            throw new Exception("assertion failed: " + what);
        }
    }

    private static RecoEngineOptions Options(string path)
    {
        return new RecoEngineOptions { DatabasePath = path, Dimensions = 8 };
    }

    private static ItemDefinition[] Items(int count)
    {
        var items = new ItemDefinition[count];
        for (int i = 0; i < count; i++)
        {
            var v = new float[8];
            v[i % 8] = 1;
            v[(i + 3) % 8] = 0.5f;
            items[i] = new ItemDefinition("item-" + i.ToString("D2"), v, new[] { "t" + (i % 3) });
        }

        return items;
    }

    private static void FlushThenRecord(string dir)
    {
        string path = Path.Combine(dir, "flush.db");
        using (var engine = RecoEngine.Open(Options(path)))
        {
            engine.UpsertItems(Items(20));
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 50; i++)
                {
                    engine.Record(new Interaction("p" + (i % 5), "item-" + (i % 20).ToString("D2"), InteractionKind.Click));
                }

                engine.Flush(); // a checkpoint: failed on every Mono run before the engine owned LiteDB's streams
            }
        }
    }

    private static void Reopen(string dir)
    {
        string path = Path.Combine(dir, "flush.db");
        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.ItemCount == 20, "20 items, got " + engine.ItemCount);
            long total = 0;
            for (int p = 0; p < 5; p++)
            {
                total += engine.GetProfile("p" + p).InteractionCount;
            }

            Assert(total == 250, "250 interactions, got " + total);
        }
    }

    private static void OrdinalIds(string dir)
    {
        string path = Path.Combine(dir, "ids.db");
        using (var engine = RecoEngine.Open(Options(path)))
        {
            engine.UpsertItems(Items(5));
            engine.Record(new Interaction("Alice", "item-01", InteractionKind.Like));
            engine.Record(new Interaction("ALICE", "item-02", InteractionKind.Like));
            engine.Record(new Interaction("ALICE", "item-03", InteractionKind.Like));
            Assert(!engine.ForgetUser("alice"), "alice is nobody");
        }

        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.GetProfile("Alice").InteractionCount == 1, "Alice kept");
            Assert(engine.GetProfile("ALICE").InteractionCount == 2, "ALICE kept");
        }
    }

    private static void ForeignFile(string dir)
    {
        string path = Path.Combine(dir, "notes.db");
        File.WriteAllText(path, "my save game\n");
        byte[] before = File.ReadAllBytes(path);
        try
        {
            RecoEngine.Open(Options(path)).Dispose();
            Assert(false, "opened a text file");
        }
        catch (RecoException ex)
        {
            Assert(ex.Code == RecoErrorCode.StorageOpenFailed, "code " + ex.Code);
        }

        byte[] after = File.ReadAllBytes(path);
        Assert(before.Length == after.Length && Convert.ToBase64String(before) == Convert.ToBase64String(after), "bytes unchanged");
    }

    private static void SecondOpenInProcess(string dir)
    {
        string path = Path.Combine(dir, "twice.db");
        using (var first = RecoEngine.Open(Options(path)))
        {
            try
            {
                RecoEngine.Open(Options(path)).Dispose();
                Assert(false, "a second engine opened the file");
            }
            catch (RecoException ex)
            {
                Assert(ex.Code == RecoErrorCode.StorageOpenFailed, "code " + ex.Code);
            }

            first.UpsertItems(Items(3));
            first.Flush();
        }
    }

    private static void HeldByOtherProcess(string dir)
    {
        string path = Path.Combine(dir, "held.db");
        using (var child = StartChild("hold", path))
        {
            try
            {
                Assert(child.StandardOutput.ReadLine() == "ready", "child ready");
                try
                {
                    RecoEngine.Open(Options(path)).Dispose();
                    Assert(false, "opened a database another process holds");
                }
                catch (RecoException ex)
                {
                    Assert(ex.Code == RecoErrorCode.StorageOpenFailed, "code " + ex.Code);
                }

                Assert(File.Exists(path + ".lock"), "the refused opener left the holder's lock file");
            }
            finally
            {
                Kill(child);
            }
        }

        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.ItemCount == 20, "the child's flushed items");
        }
    }

    private static void CommitSurvivesKill(string dir)
    {
        string path = Path.Combine(dir, "commit.db");
        using (var child = StartChild("commit", path))
        {
            try
            {
                Assert(child.StandardOutput.ReadLine() == "ready", "child ready");
                Assert(child.StandardOutput.ReadLine() == "committed", "child committed");
            }
            finally
            {
                Kill(child);
            }
        }

        using (var engine = RecoEngine.Open(Options(path)))
        {
            var profile = engine.GetProfile("late");
            Assert(profile != null && profile.InteractionCount == 7, "7 committed (not flushed) interactions survive the kill");
        }
    }

    private static void FlushSurvivesKill(string dir)
    {
        string path = Path.Combine(dir, "kill.db");
        long acked = 0;
        using (var child = StartChild("flush", path))
        {
            try
            {
                Assert(child.StandardOutput.ReadLine() == "ready", "child ready");
                var sw = Stopwatch.StartNew();
                while (sw.ElapsedMilliseconds < 1500)
                {
                    string line = child.StandardOutput.ReadLine();
                    if (line == null)
                    {
                        break;
                    }

                    if (line.StartsWith("ack ", StringComparison.Ordinal))
                    {
                        acked = long.Parse(line.Substring(4));
                    }
                }
            }
            finally
            {
                Kill(child);
            }
        }

        Assert(acked > 0, "the child acknowledged something");
        using (var engine = RecoEngine.Open(Options(path)))
        {
            long total = 0;
            for (int p = 0; p < 5; p++)
            {
                var profile = engine.GetProfile("p" + p);
                total += profile == null ? 0 : profile.InteractionCount;
            }

            Assert(total >= acked, total + " >= acknowledged " + acked);
        }
    }

    /// <summary>The harness's comparison lines: span Suggest p50 and a fingerprint of the lists (same on every runtime).</summary>
    private static void Latency(string label)
    {
        using (var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 16 }))
        {
            var rng = new Random(7);
            var items = new List<ItemDefinition>();
            for (int i = 0; i < 2000; i++)
            {
                var v = new float[16];
                for (int d = 0; d < 16; d++)
                {
                    v[d] = (float)(rng.NextDouble() - 0.5);
                }

                items.Add(new ItemDefinition("item-" + i.ToString("D4"), v, new[] { "t" + (i % 7) }));
            }

            engine.UpsertItems(items);
            for (int i = 0; i < 40; i++)
            {
                engine.Record(new Interaction("p" + (i % 4), "item-" + ((i * 37) % 2000).ToString("D4"), InteractionKind.Like,
                    timestamp: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i)));
            }

            var buffer = new Suggestion[10];
            ulong fingerprint = 14695981039346656037UL;
            var times = new List<double>();
            for (int call = 0; call < 300; call++)
            {
                var sw = Stopwatch.StartNew();
                int n = engine.Suggest("p" + (call % 4), buffer.AsSpan(), new SuggestOptions { MarkShown = false, Epsilon = 0, Seed = 1 });
                times.Add(sw.Elapsed.TotalMilliseconds * 1000);
                if (call < 4)
                {
                    for (int k = 0; k < n; k++)
                    {
                        foreach (char c in buffer[k].ItemId)
                        {
                            fingerprint = (fingerprint ^ c) * 1099511628211UL;
                        }
                    }
                }
            }

            times.Sort();
            Console.WriteLine("INFO LATENCY " + label + ": span p50 " + times[times.Count / 2].ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine("INFO FINGERPRINT " + fingerprint.ToString("x16"));
            Console.WriteLine("INFO Vector.IsHardwareAccelerated = " + System.Numerics.Vector.IsHardwareAccelerated);
        }
    }

    // ---- the child process ----

    private static int Child(string mode, string path)
    {
        var engine = RecoEngine.Open(Options(path));
        engine.UpsertItems(Items(20));
        engine.Flush();
        Console.WriteLine("ready");
        if (mode == "hold")
        {
            Thread.Sleep(Timeout.Infinite);
        }

        if (mode == "commit")
        {
            for (int i = 0; i < 7; i++)
            {
                engine.Record(new Interaction("late", "item-0" + i, InteractionKind.Click));
            }

            Thread.Sleep(1000); // the writer commits within milliseconds; no Flush, no checkpoint
            Console.WriteLine("committed");
            Thread.Sleep(Timeout.Infinite);
        }

        long n = 0;
        while (true)
        {
            for (int i = 0; i < 20; i++)
            {
                engine.Record(new Interaction("p" + (n % 5), "item-" + (n % 20).ToString("D2"), InteractionKind.Click));
                n++;
            }

            engine.Flush();
            Console.WriteLine("ack " + n);
        }
    }

    private static Process StartChild(string mode, string path)
    {
        string self = Assembly.GetEntryAssembly().Location;
        bool mono = Type.GetType("Mono.Runtime") != null;
        var psi = new ProcessStartInfo
        {
            FileName = mono ? "mono" : Process.GetCurrentProcess().MainModule.FileName,
            Arguments = (mono ? "\"" + self + "\" " : string.Empty) + "child " + mode + " \"" + path + "\"",
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(psi);
    }

    private static void Kill(Process process)
    {
        try
        {
            // SIGKILL: no finalizer, no Dispose, no flush of any buffer of the process.
            using (var kill = Process.Start(new ProcessStartInfo("kill", "-9 " + process.Id) { UseShellExecute = false }))
            {
                kill.WaitForExit();
            }
        }
        catch (Exception)
        {
            process.Kill();
        }

        process.WaitForExit();
    }
}
