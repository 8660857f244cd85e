// The project's host test for Unity-family runtimes, run by .ci/run through ../shared/mono/run.sh: under classic Mono (mono --debug,
// plain mono) against the netstandard2.1 build, and as a net10.0 console against the net10.0 and netstandard2.1 builds.
// Plain C# (no top-level statements, no async Main): the same file compiles for Mono and for net10.0.
// Usage: Host <label>                 runs every check; prints "LIST <name>: id,id,..." lines (compared across runtimes by .ci/run),
//                                     "INFO FINGERPRINT <hex>", "INFO LATENCY <label>: span p50 <us>" and
//                                     "SUMMARY <label>: N passed, M failed"
//        Host child <mode> <db path>  a child process the checks start and kill -9 (modes: hold, flush)
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text;
using System.Threading;
using EmbeddedReco;

public static class Host
{
    private const int Dims = 8;
    private static readonly DateTimeOffset Epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Epoch.AddDays(10);
    private static readonly List<string> Lists = new List<string>();
    private static int _passed;
    private static int _failed;

    public static int Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "child")
        {
            return Child(args[1], args[2]);
        }

        string label = args.Length > 0 ? args[0] : "host";
        string dir = Path.Combine(Path.GetTempPath(), "reco-host-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var total = Stopwatch.StartNew();
        try
        {
            Check("Open_NewFile_EmptyEngine", () => OpenNew(dir));
            Check("Record_ThenSuggest_ListsFollowEngagement", () => RecordAndSuggest(dir));
            Check("Flush_ThenReopen_StateRestored", () => FlushAndReopen(dir));
            Check("Flush_ChildKilled_FlushedWritesSurvive", () => KilledChild(dir));
            Check("Open_HeldByOtherProcess_Refused", () => HeldByOtherProcess(dir));
            Check("Open_SecondEngineSameProcess_Refused", () => SecondOpenInProcess(dir));
            Check("Snapshot_SaveLoad_SameLists", () => Snapshots(dir));
            Check("Snapshot_Corrupted_Rejected", Corrupted);
            Check("Train_WithHistory_ModelServesLists", Train);
            Check("HostScorer_Registered_GatesAndBoosts", HostScorer);
            Check("BadInput_Arguments_ThrowBeforeStateChanges", BadArguments);
            Check("Open_ForeignFile_RefusedUnchanged", () => ForeignFile(dir));
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

        Console.WriteLine("INFO CHECKS " + label + ": " + total.ElapsedMilliseconds + " ms");
        Latency(label);
        ulong fingerprint = 14695981039346656037UL;
        foreach (string line in Lists)
        {
            Console.WriteLine(line);
            foreach (char c in line)
            {
                fingerprint = (fingerprint ^ c) * 1099511628211UL;
            }
        }

        Console.WriteLine("INFO FINGERPRINT " + fingerprint.ToString("x16"));
        Console.WriteLine("SUMMARY " + label + ": " + _passed + " passed, " + _failed + " failed");
        return _failed == 0 ? 0 : 1;
    }

    // ---- checks ----

    private static void OpenNew(string dir)
    {
        using (var engine = RecoEngine.Open(Options(Path.Combine(dir, "new.db"))))
        {
            Assert(engine.ItemCount == 0 && engine.UserCount == 0, "empty");
            Assert(engine.Dimensions == Dims, "dimensions");
            Assert(engine.Suggest("nobody").Count == 0, "no items, no suggestions");
        }
    }

    private static void RecordAndSuggest(string dir)
    {
        using (var engine = RecoEngine.Open(Options(Path.Combine(dir, "record.db"))))
        {
            engine.UpsertItems(Items(24));
            Feed(engine, 6, 12);
            Note("cold", engine, "stranger");
            for (int u = 0; u < 3; u++)
            {
                Note("warm-u" + u, engine, "u" + u);
            }

            var before = engine.Suggest("u0", Quiet(5));
            engine.Record(new Interaction("u0", before[0].ItemId, InteractionKind.Purchase, timestamp: Now));
            var after = engine.Suggest("u0", Quiet(5));
            foreach (var s in after)
            {
                Assert(s.ItemId != before[0].ItemId, "a purchased item is consumed: not suggested again");
            }

            Assert(engine.GetProfile("u0").InteractionCount == 13, "13 interactions, got " + engine.GetProfile("u0").InteractionCount);
            var span = new Suggestion[4];
            int n = engine.Suggest("u1", span.AsSpan(), Quiet(4));
            Assert(n == 4 && span[0].ItemId == engine.Suggest("u1", Quiet(4))[0].ItemId, "span and list overloads agree");
        }
    }

    private static void FlushAndReopen(string dir)
    {
        string path = Path.Combine(dir, "record.db");
        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.ItemCount == 24, "24 items, got " + engine.ItemCount);
            Assert(engine.GetProfile("u0").InteractionCount == 13, "u0 kept 13 interactions");
            Note("reopen-u1", engine, "u1");
            for (int round = 0; round < 3; round++)
            {
                engine.Record(new Interaction("u9", "item-0" + round, InteractionKind.Click, timestamp: Now));
                engine.Flush(); // a checkpoint each time (failed on every Mono run before the engine owned LiteDB's streams)
            }
        }

        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.GetProfile("u9").InteractionCount == 3, "3 flushed interactions");
        }
    }

    private static void KilledChild(string dir)
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
                        acked = long.Parse(line.Substring(4), CultureInfo.InvariantCulture);
                    }
                }
            }
            finally
            {
                Kill(child);
            }
        }

        Assert(acked > 0, "the child acknowledged flushed writes");
        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.ItemCount == 24, "the child's items");
            long total = 0;
            for (int p = 0; p < 5; p++)
            {
                var profile = engine.GetProfile("k" + p);
                total += profile == null ? 0 : profile.InteractionCount;
            }

            Assert(total >= acked, total + " >= acknowledged " + acked);
            engine.Record(new Interaction("k0", "item-01", InteractionKind.Like, timestamp: Now));
            engine.Flush();
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
                ExpectCode(RecoErrorCode.StorageOpenFailed, () => RecoEngine.Open(Options(path)).Dispose());
                ExpectCode(RecoErrorCode.StorageOpenFailed, () => RecoEngine.Open(Options(path)).Dispose()); // still held
                Assert(File.Exists(path + ".lock"), "the refused opener left the holder's lock file");
            }
            finally
            {
                Kill(child);
            }
        }

        using (var engine = RecoEngine.Open(Options(path)))
        {
            Assert(engine.ItemCount == 24, "the killed holder's flushed items");
        }
    }

    private static void SecondOpenInProcess(string dir)
    {
        string path = Path.Combine(dir, "twice.db");
        using (var first = RecoEngine.Open(Options(path)))
        {
            ExpectCode(RecoErrorCode.StorageOpenFailed, () => RecoEngine.Open(Options(path)).Dispose());
            first.UpsertItems(Items(3));
            first.Flush();
        }

        using (var again = RecoEngine.Open(Options(path)))
        {
            Assert(again.ItemCount == 3, "reopened after the first engine closed");
        }
    }

    private static void Snapshots(string dir)
    {
        string file = Path.Combine(dir, "model.snap");
        using (var source = RecoEngine.Open(Options(RecoEngineOptions.InMemory)))
        {
            source.UpsertItems(Items(24));
            Feed(source, 12, 8);
            source.Train();
            source.SaveSnapshot(file, new SnapshotOptions { IncludeProfiles = true, Compression = SnapshotCompression.Lz4 });
            var stream = new MemoryStream();
            source.SaveSnapshot(stream, new SnapshotOptions { IncludeProfiles = true });
            stream.Position = 0;
            using (var fromFile = RecoEngine.Open(Options(Path.Combine(dir, "restored.db"))))
            using (var fromStream = RecoEngine.Open(Options(RecoEngineOptions.InMemory)))
            {
                fromFile.LoadSnapshot(file);
                fromStream.LoadSnapshot(stream);
                Assert(fromFile.ItemCount == 24 && fromStream.ItemCount == 24, "items restored");
                Assert(fromFile.LastTraining != null, "model restored");
                for (int u = 0; u < 3; u++)
                {
                    string expected = Ids(source.Suggest("u" + u, Quiet(6)));
                    Assert(Ids(fromFile.Suggest("u" + u, Quiet(6))) == expected, "lz4 file snapshot lists");
                    Assert(Ids(fromStream.Suggest("u" + u, Quiet(6))) == expected, "stream snapshot lists");
                    Lists.Add("LIST snapshot-u" + u + ": " + expected);
                }

                fromFile.Flush();
            }
        }
    }

    private static void Corrupted()
    {
        using (var engine = RecoEngine.Open(Options(RecoEngineOptions.InMemory)))
        {
            engine.UpsertItems(Items(10));
            var stream = new MemoryStream();
            engine.SaveSnapshot(stream);
            byte[] good = stream.ToArray();
            byte[] flipped = (byte[])good.Clone();
            flipped[flipped.Length - 3] ^= 0x5A;
            byte[] truncated = new byte[good.Length / 2];
            Array.Copy(good, truncated, truncated.Length);
            using (var target = RecoEngine.Open(Options(RecoEngineOptions.InMemory)))
            {
                ExpectCode(RecoErrorCode.SnapshotBadMagic, () => target.LoadSnapshot(new MemoryStream(Encoding.UTF8.GetBytes("not a snapshot at all"))));
                ExpectCode(RecoErrorCode.SnapshotChecksumMismatch, () => target.LoadSnapshot(new MemoryStream(flipped)));
                ExpectCode(RecoErrorCode.SnapshotTruncated, () => target.LoadSnapshot(new MemoryStream(truncated)));
                Assert(target.ItemCount == 0, "the engine is unchanged after rejected snapshots");
            }
        }
    }

    private static void Train()
    {
        using (var engine = RecoEngine.Open(Options(RecoEngineOptions.InMemory)))
        {
            engine.UpsertItems(Items(24));
            Feed(engine, 16, 8);
            var result = engine.Train();
            Assert(result != null && result.ModelItems > 0 && result.Users == 16, "trained: " + result);
            Assert(engine.LastTraining == result, "LastTraining");
            Lists.Add("LIST train-model: " + result.Algorithm + " items=" + result.ModelItems + " users=" + result.Users + " interactions=" + result.Interactions);
            for (int u = 0; u < 4; u++)
            {
                Note("trained-u" + u, engine, "u" + u);
            }

            var explained = engine.Suggest("u0", new SuggestOptions { Count = 3, Epsilon = 0, Seed = 1, MarkShown = false, Explain = true });
            bool collaborative = false;
            foreach (var s in explained)
            {
                foreach (var part in s.Breakdown)
                {
                    collaborative |= part.Scorer == ScorerContract.Collaborative;
                }
            }

            Assert(collaborative, "the collaborative scorer takes part after Train");
        }
    }

    private static void HostScorer()
    {
        var options = Options(RecoEngineOptions.InMemory);
        var scorer = new EvenItemsScorer();
        options.Scorers.Add(scorer, 2.0, ScoreNormalization.None);
        using (var engine = RecoEngine.Open(options))
        {
            engine.UpsertItems(Items(24));
            Feed(engine, 4, 6);
            var list = engine.Suggest("u0", new SuggestOptions { Count = 8, Epsilon = 0, Seed = 1, MarkShown = false, Explain = true });
            Assert(list.Count == 8, "8 suggestions");
            bool boosted = false;
            foreach (var s in list)
            {
                Assert(s.ItemId != "item-00", "the host scorer's gate excludes item-00");
                foreach (var part in s.Breakdown)
                {
                    boosted |= part.Scorer == scorer.Name && part.Contribution > 0;
                }
            }

            Assert(boosted, "the host scorer contributes");
            Assert(scorer.Calls > 0, "the host scorer was called");
            Lists.Add("LIST host-scorer-u0: " + Ids(list));
        }
    }

    private static void BadArguments()
    {
        Expect<ArgumentNullException>(() => RecoEngine.Open(null));
        Expect<ArgumentOutOfRangeException>(() => RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 0 }));
        using (var engine = RecoEngine.Open(Options(RecoEngineOptions.InMemory)))
        {
            engine.UpsertItems(Items(5));
            Expect<ArgumentNullException>(() => engine.Suggest(null));
            Expect<ArgumentException>(() => engine.Suggest(string.Empty));
            Expect<ArgumentException>(() => engine.Suggest("\ud800 lone surrogate"));
            Expect<ArgumentOutOfRangeException>(() => engine.Suggest("u0", 0));
            Expect<ArgumentException>(() => engine.Suggest(new string('x', 300)));
            Expect<ArgumentException>(() => engine.Record(new Interaction("u0", "item-01", InteractionKind.Play, double.NaN)));
            Expect<ArgumentException>(() => engine.Record(new Interaction("u0", "item-01", (InteractionKind)999)));
            Expect<ArgumentException>(() => engine.UpsertItem(new ItemDefinition("wrong-dims", new float[Dims + 1])));
            Expect<ArgumentException>(() => engine.UpsertItem(new ItemDefinition("nan", new[] { float.NaN, 0, 0, 0, 0, 0, 0, 0 })));
            Expect<ArgumentNullException>(() => engine.LoadSnapshot((Stream)null));
            ExpectCode(RecoErrorCode.SnapshotReadFailed, () => engine.LoadSnapshot(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"))));
            Assert(engine.ItemCount == 5 && engine.UserCount == 0, "nothing changed");
        }

        var disposed = RecoEngine.Open(Options(RecoEngineOptions.InMemory));
        disposed.Dispose();
        Expect<ObjectDisposedException>(() => disposed.Suggest("u0"));
    }

    private static void ForeignFile(string dir)
    {
        string path = Path.Combine(dir, "notes.db");
        File.WriteAllText(path, "my save game\n");
        byte[] before = File.ReadAllBytes(path);
        ExpectCode(RecoErrorCode.StorageOpenFailed, () => RecoEngine.Open(Options(path)).Dispose());
        Assert(Convert.ToBase64String(before) == Convert.ToBase64String(File.ReadAllBytes(path)), "bytes unchanged");
    }

    /// <summary>The harness's comparison lines: span Suggest p50 on its catalog (2,000 items x 16) and the lists it gave.</summary>
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

                items.Add(new ItemDefinition("item-" + i.ToString("D4", CultureInfo.InvariantCulture), v, new[] { "t" + (i % 7) }));
            }

            engine.UpsertItems(items);
            for (int i = 0; i < 40; i++)
            {
                engine.Record(new Interaction("p" + (i % 4), "item-" + ((i * 37) % 2000).ToString("D4", CultureInfo.InvariantCulture), InteractionKind.Like,
                    timestamp: Epoch.AddMinutes(i)));
            }

            var buffer = new Suggestion[10];
            var times = new List<double>();
            var quiet = new SuggestOptions { MarkShown = false, Epsilon = 0, Seed = 1 };
            for (int call = 0; call < 300; call++)
            {
                var sw = Stopwatch.StartNew();
                int n = engine.Suggest("p" + (call % 4), buffer.AsSpan(), quiet);
                times.Add(sw.Elapsed.TotalMilliseconds * 1000);
                if (call < 4)
                {
                    var ids = new StringBuilder();
                    for (int k = 0; k < n; k++)
                    {
                        ids.Append(k == 0 ? string.Empty : ",").Append(buffer[k].ItemId);
                    }

                    Lists.Add("LIST latency-p" + call + ": " + ids);
                }
            }

            times.Sort();
            Console.WriteLine("INFO LATENCY " + label + ": span p50 " + times[times.Count / 2].ToString("F1", CultureInfo.InvariantCulture));

            // Wall-clock percentiles swing with machine load (other builds preempt the call); process CPU time per call does not.
            var process = Process.GetCurrentProcess();
            process.Refresh();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            const int Calls = 1000;
            for (int call = 0; call < Calls; call++)
            {
                engine.Suggest("p" + (call % 4), buffer.AsSpan(), quiet);
            }

            wall.Stop();
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds * 1000 / Calls;
            Console.WriteLine("INFO CPU " + label + ": span Suggest mean " + cpu.ToString("F1", CultureInfo.InvariantCulture) + " us CPU, "
                + (wall.Elapsed.TotalMilliseconds * 1000 / Calls).ToString("F1", CultureInfo.InvariantCulture) + " us wall (" + Calls + " calls)");
            Console.WriteLine("INFO Vector.IsHardwareAccelerated = " + System.Numerics.Vector.IsHardwareAccelerated);
        }
    }

    // ---- the child process ----

    private static int Child(string mode, string path)
    {
        var engine = RecoEngine.Open(Options(path));
        engine.UpsertItems(Items(24));
        engine.Flush();
        Console.WriteLine("ready");
        if (mode == "hold")
        {
            Thread.Sleep(Timeout.Infinite);
        }

        long n = 0;
        while (true)
        {
            for (int i = 0; i < 20; i++)
            {
                engine.Record(new Interaction("k" + (n % 5), "item-" + (n % 24).ToString("D2", CultureInfo.InvariantCulture), InteractionKind.Click, timestamp: Now));
                n++;
            }

            engine.Flush();
            Console.WriteLine("ack " + n.ToString(CultureInfo.InvariantCulture));
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

    // ---- helpers ----

    private static RecoEngineOptions Options(string path)
    {
        return new RecoEngineOptions { DatabasePath = path, Dimensions = Dims, Clock = () => Now };
    }

    private static SuggestOptions Quiet(int count)
    {
        return new SuggestOptions { Count = count, Epsilon = 0, Seed = 1, MarkShown = false };
    }

    private static ItemDefinition[] Items(int count)
    {
        var items = new ItemDefinition[count];
        for (int i = 0; i < count; i++)
        {
            var v = new float[Dims];
            v[i % Dims] = 1;
            v[(i + 3) % Dims] = 0.5f;
            v[(i * 5 + 1) % Dims] += 0.25f;
            items[i] = new ItemDefinition("item-" + i.ToString("D2", CultureInfo.InvariantCulture), v, new[] { "t" + (i % 3) });
        }

        return items;
    }

    /// <summary>A deterministic history: <paramref name="users"/> players with <paramref name="each"/> interactions each, at fixed times.</summary>
    private static void Feed(RecoEngine engine, int users, int each)
    {
        var kinds = new[] { InteractionKind.Click, InteractionKind.Like, InteractionKind.Click, InteractionKind.Purchase };
        for (int u = 0; u < users; u++)
        {
            for (int k = 0; k < each; k++)
            {
                int item = (u * 7 + k * k * 3 + k) % 24;
                engine.Record(new Interaction("u" + u, "item-" + item.ToString("D2", CultureInfo.InvariantCulture), kinds[(u + k) % kinds.Length],
                    timestamp: Epoch.AddHours(u * 10 + k)));
            }
        }
    }

    private static void Note(string name, RecoEngine engine, string user)
    {
        Lists.Add("LIST " + name + ": " + Ids(engine.Suggest(user, Quiet(6))));
    }

    private static string Ids(IReadOnlyList<Suggestion> list)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < list.Count; i++)
        {
            sb.Append(i == 0 ? string.Empty : ",").Append(list[i].ItemId);
        }

        return sb.ToString();
    }

    private static void Check(string name, Action check)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            check();
            _passed++;
            Console.WriteLine("PASS " + name + " (" + sw.ElapsedMilliseconds + " ms)");
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

    private static void Expect<T>(Action action) where T : Exception
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Assert(ex.GetType() == typeof(T), "expected " + typeof(T).Name + ", got " + ex.GetType().Name + ": " + ex.Message);
            return;
        }

        Assert(false, "expected " + typeof(T).Name + ", nothing thrown");
    }

    private static void ExpectCode(RecoErrorCode code, Action action)
    {
        try
        {
            action();
        }
        catch (RecoException ex)
        {
            Assert(ex.Code == code, "expected " + code + ", got " + ex.Code + ": " + ex.Message);
            return;
        }

        Assert(false, "expected RecoException " + code + ", nothing thrown");
    }

    /// <summary>A scorer the host implements: boosts even rows, gates item-00 out (the IScorer contract from a host assembly).</summary>
    private sealed class EvenItemsScorer : IScorer
    {
        private int _calls;

        public string Name
        {
            get { return "host-even"; }
        }

        public int Calls
        {
            get { return Volatile.Read(ref _calls); }
        }

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            Interlocked.Increment(ref _calls);
            for (int row = 0; row < scores.Length; row++)
            {
                scores[row] = row % 2 == 0 ? 0.5f : 0f;
            }

            int gated;
            if (context.TryGetRow("item-00", out gated))
            {
                scores[gated] = ScorerContract.Exclude;
            }

            return true;
        }
    }
}
