using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace EmbeddedReco.Crash;

/// <summary>
/// The parent's account of one database over every kill: what the children announced (an upper bound of what they did) and
/// acknowledged (a lower bound of what must be durable), and what earlier checks saw. <see cref="Verify"/> reopens the file after a
/// kill and checks it against this account.
/// </summary>
internal sealed class Ledger
{
    private readonly string _path;

    // Interactions, per player.
    private readonly Dictionary<string, long> _recorded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _acked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _rowFloor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _countFloor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> _pendingRecords = new(StringComparer.Ordinal);

    // Forgotten players.
    private readonly Dictionary<string, string[]> _pendingForgets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forgetIntended = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forgetAcked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenForgotten = new(StringComparer.Ordinal);

    // Upsert batches.
    private readonly List<long> _upsertGens = new();
    private readonly Dictionary<long, int> _upsertNew = new();
    private readonly HashSet<long> _upsertAcked = new();
    private int _upsertFixed;
    private long? _seenFixedGen;

    // Snapshot saves, per slot.
    private readonly Dictionary<int, List<long>> _saves = new();
    private readonly Dictionary<int, long> _savesAcked = new();

    // Snapshot loads, in order.
    private readonly List<(string Id, char Which)> _loads = new();
    private int _loadAcked = -1;

    // Findings already counted (kind:key -> amount): a violation that persists is counted at the check that first sees it.
    private readonly Dictionary<string, long> _reported = new(StringComparer.Ordinal);

    public Ledger(string path)
    {
        _path = path;
    }

    /// <summary>Applies one line of the child; returns how many operations it acknowledges. Throws <see cref="FormatException"/>.</summary>
    public long Apply(string[] t)
    {
        switch (t[0], t.Length > 1 ? t[1] : string.Empty)
        {
            case ("intent", "rec"):
            {
                var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (string pair in t[3].Split(','))
                {
                    int colon = pair.LastIndexOf(':');
                    long n = long.Parse(pair.AsSpan(colon + 1), CultureInfo.InvariantCulture);
                    string user = pair[..colon];
                    counts[user] = n;
                    _recorded[user] = _recorded.GetValueOrDefault(user) + n;
                }

                _pendingRecords.Add(t[2], counts);
                return 0;
            }

            case ("ack", "rec"):
            {
                long total = 0;
                foreach (var (user, n) in _pendingRecords[t[2]])
                {
                    _acked[user] = _acked.GetValueOrDefault(user) + n;
                    total += n;
                }

                _pendingRecords.Remove(t[2]);
                return total;
            }

            case ("intent", "upsert"):
            {
                long gen = long.Parse(t[2], CultureInfo.InvariantCulture);
                int fixedCount = int.Parse(t[3], CultureInfo.InvariantCulture);
                if (_upsertGens.Count > 0 && fixedCount != _upsertFixed)
                {
                    throw new FormatException($"upsert batches of one database must rewrite the same fixed items ({_upsertFixed}, now {fixedCount})");
                }

                _upsertFixed = fixedCount;
                _upsertGens.Add(gen);
                _upsertNew[gen] = int.Parse(t[4], CultureInfo.InvariantCulture);
                return 0;
            }

            case ("ack", "upsert"):
                _upsertAcked.Add(long.Parse(t[2], CultureInfo.InvariantCulture));
                return 1;

            case ("intent", "forget"):
            {
                string[] users = t[3].Split(',');
                _pendingForgets.Add(t[2], users);
                _forgetIntended.UnionWith(users);
                return 0;
            }

            case ("ack", "forget"):
            {
                string[] users = _pendingForgets[t[2]];
                _forgetAcked.UnionWith(users);
                _pendingForgets.Remove(t[2]);
                return users.Length;
            }

            case ("intent", "save"):
            {
                int slot = int.Parse(t[2], CultureInfo.InvariantCulture);
                if (!_saves.TryGetValue(slot, out var list))
                {
                    _saves[slot] = list = new List<long>();
                }

                list.Add(long.Parse(t[3], CultureInfo.InvariantCulture));
                return 0;
            }

            case ("ack", "save"):
                _savesAcked[int.Parse(t[2], CultureInfo.InvariantCulture)] = long.Parse(t[3], CultureInfo.InvariantCulture);
                return 1;

            case ("intent", "load"):
                _loads.Add((t[2], t[3] == "A" ? 'A' : t[3] == "B" ? 'B' : throw new FormatException("catalog " + t[3])));
                return 0;

            case ("ack", "load"):
                _loadAcked = _loads.FindIndex(l => l.Id == t[2]);
                return _loadAcked >= 0 ? 1 : throw new FormatException("ack of an unannounced load " + t[2]);

            default:
                throw new FormatException("unknown line: " + string.Join(" ", t));
        }
    }

    /// <summary>Reopens the database (the child is dead), checks it and the snapshot files against the account, and records what it saw.</summary>
    public void Verify(KillOutcome o)
    {
        var users = _recorded.Keys.Union(_forgetIntended).ToList();
        var counts = new Dictionary<string, long?>(StringComparer.Ordinal);
        int itemCount;
        var upsertView = new Dictionary<long, int>();
        int fixedSeen = 0;
        RecoEngine engine;
        try
        {
            engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = _path, Dimensions = CrashProtocol.Dimensions });
        }
        catch (Exception ex)
        {
            o.FailedOpens++;
            o.DatabaseDead = true;
            o.Problems.Add($"failed open: RecoEngine.Open threw {ex.GetType().Name}: {ex.Message}");
            return;
        }

        using (engine)
        {
            foreach (string user in users)
            {
                counts[user] = engine.GetProfile(user)?.InteractionCount;
            }

            itemCount = engine.ItemCount;
            for (int k = 0; k < _upsertFixed; k++)
            {
                fixedSeen += engine.ContainsItem(CrashProtocol.FixedItem(k)) ? 1 : 0;
            }

            foreach (long gen in _upsertGens)
            {
                int n = 0;
                for (int k = 0; k < _upsertNew[gen]; k++)
                {
                    n += engine.ContainsItem(CrashProtocol.NewItem(gen, k)) ? 1 : 0;
                }

                upsertView[gen] = n;
            }
        }

        var disk = DatabaseInspector.Read(_path);
        if (itemCount != disk.ItemTags.Count)
        {
            Report(o, Finding.Torn, $"items:{itemCount}:{disk.ItemTags.Count}", 1, $"the engine sees {itemCount} items, the file holds {disk.ItemTags.Count}");
        }

        foreach (string user in users)
        {
            CheckPlayer(o, user, counts[user], disk);
        }

        if (_upsertGens.Count > 0)
        {
            CheckUpserts(o, disk, fixedSeen, upsertView);
        }

        if (_loads.Count > 0)
        {
            CheckLoads(o, disk);
        }

        if (_saves.Count > 0)
        {
            CheckSaves(o);
        }
    }

    private void CheckPlayer(KillOutcome o, string user, long? count, DatabaseInspector disk)
    {
        long rows = disk.Rows.GetValueOrDefault(user);
        if (_forgetIntended.Contains(user))
        {
            bool gone = count is null && rows == 0;
            if (count is null && rows > 0)
            {
                Report(o, Finding.Torn, "forget:" + user, 1, $"torn forget: player {user} has no profile but {rows} log rows");
                return;
            }

            if (!gone && _forgetAcked.Contains(user))
            {
                Report(o, Finding.Lost, "forget:" + user, 1, $"lost forget: ForgetUser({user}) was acknowledged, yet profile count {count}, {rows} log rows");
            }
            else if (!gone && _seenForgotten.Contains(user))
            {
                Report(o, Finding.Lost, "forget:" + user, 1, $"lost forget: {user} was gone at an earlier check and is back (profile count {count}, {rows} log rows)");
            }

            if (gone)
            {
                _seenForgotten.Add(user);
                return;
            }
        }

        long recorded = _recorded.GetValueOrDefault(user);
        long acked = _acked.GetValueOrDefault(user);
        long rowFloor = _rowFloor.GetValueOrDefault(user);
        long countFloor = _countFloor.GetValueOrDefault(user);
        long have = count ?? 0;
        long lost = Math.Max(Math.Max(acked - have, acked - rows), Math.Max(rowFloor - rows, countFloor - have));
        if (lost > 0)
        {
            Report(o, Finding.Lost, "player:" + user, lost, $"lost interactions: player {user}: acknowledged {acked}, profile count {(count is null ? "none" : have)}, " +
                $"{rows} log rows (an earlier check saw {countFloor} counted, {rowFloor} rows)");
        }

        long repeated = disk.RepeatedRows.GetValueOrDefault(user);
        long extra = Math.Max(Math.Max(rows - recorded, have - recorded), repeated);
        if (extra > 0)
        {
            Report(o, Finding.Duplicates, "player:" + user, extra, $"duplicates: player {user}: recorded at most {recorded}, {rows} log rows ({repeated} logged twice), profile count {have}");
        }

        if (rows > have)
        {
            Report(o, Finding.Note, "behind:" + user, rows - have, $"profile behind log: player {user}: {rows} log rows, profile count {(count is null ? "none" : have)}");
        }

        _rowFloor[user] = Math.Max(rowFloor, rows);
        _countFloor[user] = Math.Max(countFloor, have);
    }

    /// <summary>
    /// Every batch rewrites the same fixed items and adds its own new items, all tagged with its generation, and the child flushes
    /// each batch before it announces the next. So on disk the fixed items all carry one generation (the newest batch that
    /// committed), each batch's new items are all there or all absent, and a batch whose new items are there has the fixed
    /// items at its generation or a newer one. A batch whose fixed items are there (the newest) has its new items there. Each
    /// batch that breaks this counts once as torn, or as lost when it was acknowledged.
    /// </summary>
    private void CheckUpserts(KillOutcome o, DatabaseInspector disk, int fixedSeen, Dictionary<long, int> engineNew)
    {
        var fixedGens = new SortedDictionary<long, int>();
        int fixedMissing = 0;
        for (int k = 0; k < _upsertFixed; k++)
        {
            if (disk.ItemTags.TryGetValue(CrashProtocol.FixedItem(k), out string? tag) && TryGen(tag, out long gen))
            {
                fixedGens[gen] = fixedGens.GetValueOrDefault(gen) + 1;
            }
            else
            {
                fixedMissing++;
            }
        }

        var newOnDisk = new Dictionary<long, int>();
        var badTags = new Dictionary<long, string>();
        foreach (var (id, tag) in disk.ItemTags)
        {
            if (id.StartsWith(CrashProtocol.NewItemPrefix, StringComparison.Ordinal))
            {
                int dash = id.IndexOf('-', CrashProtocol.NewItemPrefix.Length);
                long gen = long.Parse(id.AsSpan(CrashProtocol.NewItemPrefix.Length, dash - CrashProtocol.NewItemPrefix.Length), CultureInfo.InvariantCulture);
                newOnDisk[gen] = newOnDisk.GetValueOrDefault(gen) + 1;
                if (tag != CrashProtocol.GenTag(gen))
                {
                    badTags[gen] = $"item {id} has tag '{tag}'";
                }
            }
        }

        long? top = fixedGens.Count == 0 ? null : fixedGens.Keys.Max();
        string fixedState = fixedGens.Count == 0 ? "absent" :
            string.Join(", ", fixedGens.Select(p => $"g{p.Key} x{p.Value}")) + (fixedMissing > 0 ? $", missing x{fixedMissing}" : string.Empty);
        var broken = new SortedDictionary<long, string>();
        if (fixedGens.Count > 1 || (fixedGens.Count == 1 && fixedMissing > 0))
        {
            broken[top!.Value] = $"the {_upsertFixed} items every batch rewrites are at {fixedState}";
        }

        foreach (long gen in newOnDisk.Keys.Where(g => !_upsertNew.ContainsKey(g)))
        {
            broken[gen] = "an unannounced batch is on disk";
        }

        foreach (long gen in _upsertGens)
        {
            int n = newOnDisk.GetValueOrDefault(gen);
            int expected = _upsertNew[gen];
            string state = $"{n} of its {expected} new items on disk, the rewritten items at {fixedState}";
            if (badTags.TryGetValue(gen, out string? bad))
            {
                broken[gen] = bad;
            }
            else if (n != 0 && n != expected)
            {
                broken[gen] = state;
            }
            else if (n == expected && !(top >= gen))
            {
                broken[gen] = state;
            }
            else if (n == 0 && top == gen)
            {
                broken[gen] = state;
            }

            if (engineNew[gen] != n)
            {
                broken[gen] = $"the engine sees {engineNew[gen]} of its new items, the file holds {n}";
            }

            if (_upsertAcked.Contains(gen) && !(n == expected && top >= gen) && !broken.ContainsKey(gen))
            {
                broken[gen] = state;
            }
        }

        foreach (var (gen, what) in broken)
        {
            if (_upsertAcked.Contains(gen))
            {
                Report(o, Finding.Lost, "upsert:" + gen, 1, $"lost upsert: batch g{gen} was acknowledged: {what}");
            }
            else
            {
                Report(o, Finding.Torn, "upsert:" + gen, 1, $"torn upsert: batch g{gen}: {what}");
            }
        }

        if (fixedSeen != _upsertFixed - fixedMissing)
        {
            Report(o, Finding.Torn, $"upsert-view:{fixedSeen}:{fixedMissing}", 1, $"the engine sees {fixedSeen} of the rewritten items, the file holds {_upsertFixed - fixedMissing}");
        }

        if (_seenFixedGen is { } seen && !(top >= seen))
        {
            Report(o, Finding.Lost, $"upsert-back:{seen}", 1, $"lost upsert: an earlier check saw the rewritten items at g{seen}, now {fixedState}");
        }

        if (top is { } t && !(_seenFixedGen >= t))
        {
            _seenFixedGen = t;
        }
    }

    private void CheckLoads(KillOutcome o, DatabaseInspector disk)
    {
        var held = disk.ItemTags.Where(p => p.Key.StartsWith(CrashProtocol.LoadItemPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        char which = '?';
        if (held.Count == 0 && disk.ItemTags.Count == 0)
        {
            which = '0';
        }

        foreach (char candidate in "AB")
        {
            int first = CrashProtocol.LoadFirst(candidate);
            string tag = CrashProtocol.LoadTag(candidate);
            if (disk.ItemTags.Count == CrashProtocol.LoadItems && held.Count == CrashProtocol.LoadItems &&
                Enumerable.Range(first, CrashProtocol.LoadItems).All(k => held.TryGetValue(CrashProtocol.LoadItem(k), out string? t) && t == tag))
            {
                which = candidate;
            }
        }

        if (which == '?')
        {
            Report(o, Finding.Torn, "load:" + _loads.Count, 1, $"torn snapshot load: the file holds {disk.ItemTags.Count} items, " +
                string.Join(", ", held.Values.GroupBy(t => t).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} tagged {g.Key}")) +
                $", {held.Keys.Count(id => int.Parse(id.AsSpan(CrashProtocol.LoadItemPrefix.Length), CultureInfo.InvariantCulture) < CrashProtocol.LoadOffsetB)} only in A, " +
                $"{held.Keys.Count(id => int.Parse(id.AsSpan(CrashProtocol.LoadItemPrefix.Length), CultureInfo.InvariantCulture) >= CrashProtocol.LoadItems)} only in B");
            return;
        }

        var allowed = new HashSet<char>();
        for (int i = Math.Max(_loadAcked, 0); i < _loads.Count; i++)
        {
            allowed.Add(_loads[i].Which);
        }

        if (_loadAcked < 0)
        {
            allowed.Add('0');
        }

        if (!allowed.Contains(which))
        {
            Report(o, Finding.Lost, "load:" + _loads.Count, 1, $"lost snapshot load: load {_loads[_loadAcked].Id} of {_loads[_loadAcked].Which} was acknowledged " +
                $"and {_loads.Count - _loadAcked - 1} loads were announced after it, yet the file holds catalog {which}");
        }
    }

    private void CheckSaves(KillOutcome o)
    {
        foreach (var (slot, gens) in _saves)
        {
            string file = CrashProtocol.SnapshotSlot(_path, slot);
            bool acked = _savesAcked.TryGetValue(slot, out long ackedGen);
            if (!File.Exists(file))
            {
                if (acked)
                {
                    Report(o, Finding.Lost, $"save:{slot}:{ackedGen}", 1, $"lost snapshot save: slot {slot} save g{ackedGen} was acknowledged, yet the file is missing");
                }

                continue;
            }

            using var probe = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = CrashProtocol.Dimensions });
            try
            {
                probe.LoadSnapshot(file);
            }
            catch (RecoException ex)
            {
                Report(o, Finding.FailedOpen, $"save:{slot}:{gens.Count}", 1, $"failed open: snapshot slot {slot} ({new FileInfo(file).Length} bytes) does not load: {ex.Code}: {ex.Message}");
                continue;
            }

            long? found = null;
            foreach (long gen in gens)
            {
                if (probe.ContainsItem(CrashProtocol.SaveMarker(gen)))
                {
                    found = gen;
                }
            }

            int baseItems = Enumerable.Range(0, CrashProtocol.SaveBaseItems).Count(k => probe.ContainsItem(CrashProtocol.SaveBaseItem(k)));
            if (found is null || baseItems != CrashProtocol.SaveBaseItems)
            {
                Report(o, Finding.Torn, $"save:{slot}:{gens.Count}", 1, $"torn snapshot save: slot {slot} holds {(found is null ? "no announced save" : "save g" + found)} and {baseItems} of {CrashProtocol.SaveBaseItems} base items");
            }
            else if (acked && found < ackedGen)
            {
                Report(o, Finding.Lost, $"save:{slot}:{ackedGen}", 1, $"lost snapshot save: slot {slot} save g{ackedGen} was acknowledged, yet the file holds g{found}");
            }
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        foreach (string temp in Directory.GetFiles(folder, Path.GetFileName(_path) + ".slot*.tmp"))
        {
            o.Notes++;
            o.Observations.Add($"stale snapshot temp file {Path.GetFileName(temp)} ({new FileInfo(temp).Length} bytes), deleted");
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Counts a finding the first time its key is seen (for an amount, only its growth), so a violation that stays in the file is
    /// counted once, not at every later kill of the database.
    /// </summary>
    private void Report(KillOutcome o, Finding kind, string key, long amount, string message)
    {
        string k = kind + ":" + key;
        long before = _reported.GetValueOrDefault(k);
        if (amount <= before)
        {
            return;
        }

        _reported[k] = amount;
        long add = amount - before;
        switch (kind)
        {
            case Finding.Lost:
                o.Lost += add;
                break;
            case Finding.Duplicates:
                o.Duplicates += add;
                break;
            case Finding.Torn:
                o.Torn += add;
                break;
            case Finding.FailedOpen:
                o.FailedOpens += add;
                break;
            default:
                o.Notes += 1;
                o.Observations.Add(message);
                return;
        }

        o.Problems.Add(message);
    }

    private static bool TryGen(string tag, out long gen)
    {
        gen = 0;
        return tag.Length > 1 && tag[0] == 'g' && long.TryParse(tag.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out gen);
    }
}

internal enum Finding
{
    Lost,
    Duplicates,
    Torn,
    FailedOpen,
    Note,
}
