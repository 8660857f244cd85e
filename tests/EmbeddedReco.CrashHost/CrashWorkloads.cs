using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace EmbeddedReco.Crash;

/// <summary>
/// The workloads of the crash campaign: <c>crash &lt;mode&gt; &lt;database&gt; &lt;seed&gt; &lt;run&gt;</c>. Each sets up, prints
/// <c>ready</c>, then works forever (until killed) through the public API, announcing every operation before it starts and
/// acknowledging it once durable (see <see cref="CrashProtocol"/>). <c>run</c> numbers the starts of the child on one database, so
/// ids and timestamps stay unique over every kill of that file. Deterministic for a seed (the kill moment is not).
/// </summary>
internal sealed class CrashWorkloads
{
    /// <summary>A child the parent forgot to kill stops by itself.</summary>
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(120);

    private readonly RecoEngine _engine;
    private readonly string _path;
    private readonly Random _rng;
    private readonly int _run;
    private readonly TextWriter _out;
    private readonly List<string> _forgettable = new();
    private long _seq;
    private int _batch;
    private int _generation;
    private int _nextForgetUser;

    private CrashWorkloads(RecoEngine engine, string path, Random rng, int run, TextWriter output)
    {
        _engine = engine;
        _path = path;
        _rng = rng;
        _run = run;
        _out = output;
    }

    public static int Run(string[] args)
    {
        if (args.Length != 5 || !CrashProtocol.Modes.Contains(args[1]))
        {
            Console.Error.WriteLine("usage: crash <" + string.Join("|", CrashProtocol.Modes) + "> <database path> <seed> <run>");
            return 2;
        }

        string mode = args[1];
        string path = args[2];
        int seed = int.Parse(args[3], CultureInfo.InvariantCulture);
        int run = int.Parse(args[4], CultureInfo.InvariantCulture);
        var rng = new Random(unchecked((seed * 1_000_003) + (run * 7_919) + (CrashProtocol.Modes.ToList().IndexOf(mode) * 31)));
        using var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = path, Dimensions = CrashProtocol.Dimensions });
        var w = new CrashWorkloads(engine, path, rng, run, Console.Out);
        var clock = Stopwatch.StartNew();
        Action step = mode switch
        {
            CrashProtocol.Record => w.SetUpRecord(),
            CrashProtocol.Upsert => w.SetUpUpsert(),
            CrashProtocol.Forget => w.SetUpForget(),
            CrashProtocol.SnapshotSave => w.SetUpSave(),
            CrashProtocol.SnapshotLoad => w.SetUpLoad(),
            _ => w.SetUpMixed(),
        };
        w.Emit("ready");
        while (clock.Elapsed < Watchdog)
        {
            step();
        }

        return 3;
    }

    private Action SetUpRecord()
    {
        EnsureRecordItems();
        return () => RecordBatch(Enumerable.Range(0, CrashProtocol.RecordUsers).Select(CrashProtocol.RecordUser).ToList(), _rng.Next(1, 201));
    }

    private Action SetUpUpsert() => () => UpsertBatch(CrashProtocol.UpsertFixed, CrashProtocol.UpsertNew);

    private Action SetUpForget()
    {
        EnsureRecordItems();
        return ForgetRound;
    }

    private Action SetUpSave()
    {
        EnsureSaveBase();
        int round = 0;
        return () => SaveRound(round++);
    }

    private Action SetUpLoad()
    {
        foreach (char which in "AB")
        {
            string file = CrashProtocol.LoadFile(_path, which);
            if (!File.Exists(file))
            {
                using var builder = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = CrashProtocol.Dimensions });
                builder.UpsertItems(CrashProtocol.LoadCatalog(which));
                builder.SaveSnapshot(file);
            }
        }

        if (_engine.ItemCount == 0)
        {
            LoadRound('A');
        }

        return () => LoadRound(_rng.Next(2) == 0 ? 'A' : 'B');
    }

    private Action SetUpMixed()
    {
        EnsureRecordItems();
        EnsureSaveBase();
        var users = Enumerable.Range(0, CrashProtocol.RecordUsers).Select(CrashProtocol.RecordUser).ToList();
        int round = 0;
        return () =>
        {
            int dice = _rng.Next(100);
            if (dice < 40)
            {
                RecordBatch(users, _rng.Next(1, 201));
            }
            else if (dice < 60)
            {
                UpsertBatch(CrashProtocol.MixedUpsertFixed, CrashProtocol.MixedUpsertNew);
            }
            else if (dice < 80)
            {
                ForgetRound();
            }
            else
            {
                SaveRound(round++);
            }
        };
    }

    private void EnsureRecordItems()
    {
        if (!_engine.ContainsItem(CrashProtocol.RecordItem(CrashProtocol.RecordItems - 1)))
        {
            _engine.UpsertItems(Enumerable.Range(0, CrashProtocol.RecordItems)
                .Select(k => new ItemDefinition(CrashProtocol.RecordItem(k), CrashProtocol.Vector(k, 0), new[] { "r" })));
            _engine.Flush();
        }
    }

    private void EnsureSaveBase()
    {
        if (!_engine.ContainsItem(CrashProtocol.SaveBaseItem(CrashProtocol.SaveBaseItems - 1)))
        {
            _engine.UpsertItems(Enumerable.Range(0, CrashProtocol.SaveBaseItems)
                .Select(k => new ItemDefinition(CrashProtocol.SaveBaseItem(k), CrashProtocol.Vector(k, 3), new[] { "s" })));
            _engine.Flush();
        }
    }

    /// <summary>Records <paramref name="count"/> interactions of players drawn from <paramref name="users"/>, then flushes.</summary>
    private void RecordBatch(IReadOnlyList<string> users, int count)
    {
        var who = new string[count];
        var perUser = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            who[i] = users[_rng.Next(users.Count)];
            perUser[who[i]] = perUser.GetValueOrDefault(who[i]) + 1;
        }

        string id = NextId();
        Emit("intent", "rec", id, string.Join(",", perUser.Select(p => p.Key + ":" + p.Value.ToString(CultureInfo.InvariantCulture))));
        foreach (string user in who)
        {
            var kind = (InteractionKind)_rng.Next(0, 8);
            double value = kind switch
            {
                InteractionKind.Play => _rng.Next(0, 600),
                InteractionKind.Rating => _rng.Next(0, 6),
                _ => 1,
            };
            string item = _rng.Next(20) == 0
                ? CrashProtocol.UnknownItem(_rng.Next(1000))
                : CrashProtocol.RecordItem(_rng.Next(CrashProtocol.RecordItems));
            _engine.Record(new Interaction(user, item, kind, value, CrashProtocol.Timestamp(_run, _seq++)));
        }

        _engine.Flush();
        Emit("ack", "rec", id);
    }

    private void UpsertBatch(int fixedCount, int newCount)
    {
        long gen = CrashProtocol.Generation(_run, _generation++);
        string tag = CrashProtocol.GenTag(gen);
        var items = new List<ItemDefinition>(fixedCount + newCount);
        for (int k = 0; k < fixedCount; k++)
        {
            items.Add(new ItemDefinition(CrashProtocol.FixedItem(k), CrashProtocol.Vector(k, (int)(gen % 97)), new[] { tag }));
        }

        for (int k = 0; k < newCount; k++)
        {
            items.Add(new ItemDefinition(CrashProtocol.NewItem(gen, k), CrashProtocol.Vector(k + gen, 5), new[] { tag }));
        }

        string g = gen.ToString(CultureInfo.InvariantCulture);
        Emit("intent", "upsert", g, fixedCount.ToString(CultureInfo.InvariantCulture), newCount.ToString(CultureInfo.InvariantCulture));
        _engine.UpsertItems(items);
        _engine.Flush();
        Emit("ack", "upsert", g);
    }

    /// <summary>New players are recorded for (with some older ones), then a few acknowledged players are forgotten.</summary>
    private void ForgetRound()
    {
        var targets = new List<string>();
        int fresh = _rng.Next(1, 4);
        for (int i = 0; i < fresh; i++)
        {
            targets.Add(CrashProtocol.ForgetUser(_run, _nextForgetUser++));
        }

        int older = Math.Min(_forgettable.Count, _rng.Next(0, 3));
        for (int i = 0; i < older; i++)
        {
            targets.Add(_forgettable[_rng.Next(_forgettable.Count)]);
        }

        RecordBatch(targets.Distinct().ToList(), _rng.Next(5, 61));
        foreach (string user in targets.Take(fresh))
        {
            _forgettable.Add(user);
        }

        int forget = _rng.Next(1, Math.Min(3, _forgettable.Count) + 1);
        var gone = new List<string>(forget);
        for (int i = 0; i < forget; i++)
        {
            int at = _rng.Next(_forgettable.Count);
            gone.Add(_forgettable[at]);
            _forgettable.RemoveAt(at);
        }

        string id = NextId();
        Emit("intent", "forget", id, string.Join(",", gone));
        foreach (string user in gone)
        {
            _engine.ForgetUser(user);
        }

        _engine.Flush();
        Emit("ack", "forget", id);
    }

    /// <summary>Adds this round's marker item, records a little, saves to one of the slots (every other time with profiles).</summary>
    private void SaveRound(int round)
    {
        long gen = CrashProtocol.Generation(_run, _generation++);
        _engine.UpsertItems(new[] { new ItemDefinition(CrashProtocol.SaveMarker(gen), CrashProtocol.Vector(gen, 7), new[] { "m" }) });
        int records = _rng.Next(1, 21);
        for (int i = 0; i < records; i++)
        {
            _engine.Record(new Interaction(
                CrashProtocol.SaveUser(_rng.Next(20)),
                CrashProtocol.SaveBaseItem(_rng.Next(CrashProtocol.SaveBaseItems)),
                InteractionKind.Click,
                timestamp: CrashProtocol.Timestamp(_run, _seq++)));
        }

        int slot = _rng.Next(CrashProtocol.SaveSlots);
        var options = new SnapshotOptions
        {
            IncludeProfiles = round % 2 == 0,
            Compression = round % 3 == 0 ? SnapshotCompression.Lz4 : SnapshotCompression.None,
        };
        string s = slot.ToString(CultureInfo.InvariantCulture);
        string g = gen.ToString(CultureInfo.InvariantCulture);
        Emit("intent", "save", s, g);
        _engine.SaveSnapshot(CrashProtocol.SnapshotSlot(_path, slot), options);
        Emit("ack", "save", s, g);
        if (round % 4 == 3)
        {
            _engine.Flush();
        }
    }

    private void LoadRound(char which)
    {
        string id = NextId();
        Emit("intent", "load", id, which.ToString());
        _engine.LoadSnapshot(CrashProtocol.LoadFile(_path, which));
        _engine.Flush();
        Emit("ack", "load", id);
    }

    private string NextId() => _run.ToString(CultureInfo.InvariantCulture) + "." + (_batch++).ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes one line; the console is auto-flushed, so it is in the pipe (and survives a kill) when this returns.</summary>
    private void Emit(params string[] tokens) => _out.WriteLine(CrashProtocol.Line(tokens));
}
