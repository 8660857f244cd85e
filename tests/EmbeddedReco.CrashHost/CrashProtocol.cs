using System;
using System.Collections.Generic;
using System.Globalization;

namespace EmbeddedReco.Crash;

/// <summary>
/// What the crash host (the child that is killed) and the crash campaign (the parent that verifies) agree on: the workload
/// modes, deterministic ids, and the lines the child prints. Compiled into both projects (linked source), so a name cannot drift.
/// </summary>
/// <remarks>
/// Lines (child -> parent, one per line, every line ends with " ." so a line cut by the kill is recognised and ignored):
/// <code>
/// ready .                                      setup done; the parent starts its kill timer
/// intent rec &lt;id&gt; &lt;user&gt;:&lt;n&gt;,... .            printed BEFORE recording n interactions per user (an upper bound)
/// ack rec &lt;id&gt; .                              printed AFTER Flush returned: those interactions are durable
/// intent upsert &lt;gen&gt; &lt;fixed&gt; &lt;new&gt; .        before UpsertItems: FixedItem(0..fixed-1) + NewItem(gen, 0..new-1), tag GenTag(gen)
/// ack upsert &lt;gen&gt; .                          after Flush
/// intent forget &lt;id&gt; &lt;user&gt;,... .            before ForgetUser of each user (never recorded for again)
/// ack forget &lt;id&gt; .                           after Flush
/// intent save &lt;slot&gt; &lt;gen&gt; .                 before SaveSnapshot(SnapshotSlot(slot)) of a catalog holding SaveMarker(gen)
/// ack save &lt;slot&gt; &lt;gen&gt; .                    after SaveSnapshot returned
/// intent load &lt;id&gt; &lt;A|B&gt; .                  before LoadSnapshot(LoadFile(A|B))
/// ack load &lt;id&gt; .                             after Flush
/// </code>
/// An intent is printed (and reaches the pipe) before the operation starts, so after a kill the parent knows an upper bound of
/// what the child did; an ack is printed only once the operation is durable, so it is a lower bound of what the file must hold.
/// </remarks>
internal static class CrashProtocol
{
    public const string Record = "record";
    public const string Upsert = "upsert";
    public const string Forget = "forget";
    public const string SnapshotSave = "snapshot-save";
    public const string SnapshotLoad = "snapshot-load";
    public const string Mixed = "mixed";

    /// <summary>The line terminator token.</summary>
    public const string End = ".";

    /// <summary>The first line the child prints once it is set up.</summary>
    public const string Ready = "ready .";

    /// <summary>Vector length of every workload database.</summary>
    public const int Dimensions = 8;

    /// <summary>Players of the record workload (their counts accumulate over every kill of a database).</summary>
    public const int RecordUsers = 40;

    /// <summary>Items the record and forget workloads interact with.</summary>
    public const int RecordItems = 100;

    /// <summary>Upsert workload: ids rewritten by every batch, and ids added by each batch (2,000 items per batch).</summary>
    public const int UpsertFixed = 1500;

    public const int UpsertNew = 500;

    /// <summary>Mixed workload: smaller upsert batches.</summary>
    public const int MixedUpsertFixed = 500;

    public const int MixedUpsertNew = 250;

    /// <summary>Snapshot-save workload: items of the base catalog, and the snapshot files it rotates over.</summary>
    public const int SaveBaseItems = 2000;

    public const int SaveSlots = 3;

    /// <summary>Snapshot-load workload: catalog A is LoadItem(0..2999), catalog B is LoadItem(1000..3999); the 2,000 shared ids differ in tag and vector.</summary>
    public const int LoadItems = 3000;

    public const int LoadOffsetB = 1000;

    public static readonly IReadOnlyList<string> Modes = new[] { Record, Upsert, Forget, SnapshotSave, SnapshotLoad, Mixed };

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string RecordUser(int k) => "r-u" + k.ToString("D2", CultureInfo.InvariantCulture);

    public static string RecordItem(int k) => "r-i" + k.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>An item never in the catalog: the interaction is logged and counted but changes no vector.</summary>
    public static string UnknownItem(int k) => "r-x" + k.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>A player of the forget workload, unique per run of the child on a database.</summary>
    public static string ForgetUser(int run, int k) => "f" + run.ToString(CultureInfo.InvariantCulture) + "-" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>A player whose interactions only feed snapshot profiles (not verified).</summary>
    public static string SaveUser(int k) => "s-u" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>The timestamp of interaction <paramref name="seq"/> of a run: unique per database, so a row logged twice is visible.</summary>
    public static DateTimeOffset Timestamp(int run, long seq) => Epoch.AddSeconds((run * 10_000_000.0) + seq);

    /// <summary>A generation number unique per database: batch <paramref name="j"/> of run <paramref name="run"/>.</summary>
    public static long Generation(int run, int j) => (run * 100_000L) + j;

    public static string FixedItem(int k) => "uf-" + k.ToString("D4", CultureInfo.InvariantCulture);

    public const string NewItemPrefix = "un-";

    public static string NewItem(long gen, int k) =>
        NewItemPrefix + gen.ToString(CultureInfo.InvariantCulture) + "-" + k.ToString("D4", CultureInfo.InvariantCulture);

    public static string GenTag(long gen) => "g" + gen.ToString(CultureInfo.InvariantCulture);

    public static string SaveBaseItem(int k) => "s-" + k.ToString("D4", CultureInfo.InvariantCulture);

    public static string SaveMarker(long gen) => "sm-" + gen.ToString(CultureInfo.InvariantCulture);

    public static string SnapshotSlot(string dbPath, int slot) => dbPath + ".slot" + slot.ToString(CultureInfo.InvariantCulture) + ".ersnap";

    public static string LoadFile(string dbPath, char which) => dbPath + "." + which + ".ersnap";

    public const string LoadItemPrefix = "sl-";

    public static string LoadItem(int k) => LoadItemPrefix + k.ToString("D4", CultureInfo.InvariantCulture);

    public static string LoadTag(char which) => "cat-" + which;

    /// <summary>The first id number of catalog A or B (each holds <see cref="LoadItems"/> consecutive ids).</summary>
    public static int LoadFirst(char which) => which == 'A' ? 0 : LoadOffsetB;

    /// <summary>Catalog A or B of the snapshot-load workload.</summary>
    public static List<ItemDefinition> LoadCatalog(char which)
    {
        var items = new List<ItemDefinition>(LoadItems);
        int first = LoadFirst(which);
        for (int k = first; k < first + LoadItems; k++)
        {
            items.Add(new ItemDefinition(LoadItem(k), Vector(k, which == 'A' ? 1 : 2), new[] { LoadTag(which) }));
        }

        return items;
    }

    /// <summary>A deterministic, finite, non-zero feature vector.</summary>
    public static float[] Vector(long k, int salt)
    {
        var v = new float[Dimensions];
        for (int d = 0; d < v.Length; d++)
        {
            v[d] = (float)Math.Sin((k * (d + 1)) + (salt * 0.37) + d);
        }

        v[(int)(k % Dimensions)] += 2f;
        return v;
    }

    /// <summary>Formats a line: tokens separated by spaces, ended by " .".</summary>
    public static string Line(params string[] tokens) => string.Join(" ", tokens) + " " + End;

    /// <summary>Splits a complete line into tokens without the terminator; false for a line cut by the kill.</summary>
    public static bool TryParse(string line, out string[] tokens)
    {
        tokens = line.Split(' ');
        if (tokens.Length < 2 || tokens[^1] != End)
        {
            tokens = Array.Empty<string>();
            return false;
        }

        tokens = tokens[..^1];
        return true;
    }
}
