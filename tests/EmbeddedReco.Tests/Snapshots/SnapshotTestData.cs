using System.Buffers;
using EmbeddedReco.Snapshots;
using EmbeddedReco.Tests.Infrastructure;
using MessagePack;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>Engines with known content, state fingerprints and hand-crafted payloads for the snapshot tests.</summary>
internal static class SnapshotTestData
{
    public const int Dims = 8;

    public static readonly string[] Users = { "alice", "bob", "carol", "dave" };

    public static readonly SnapshotOptions Everything = new() { IncludeProfiles = true };

    /// <summary>An engine with 20 clustered items and a few players with history (deterministic).</summary>
    public static RecoEngine PopulatedEngine(TestClock? clock = null, string path = RecoEngineOptions.InMemory, int items = 20, int seed = 7)
    {
        clock ??= new TestClock();
        var engine = RecoEngine.Open(TestCatalog.Options(path, Dims, clock));
        engine.UpsertItems(TestCatalog.Clustered(items, Dims, clusters: 4, seed: seed));
        Populate(engine, clock, items);
        return engine;
    }

    public static void Populate(RecoEngine engine, TestClock clock, int items)
    {
        var rng = new Random(11);
        var kinds = new[] { InteractionKind.Click, InteractionKind.Impression, InteractionKind.Like, InteractionKind.Purchase, InteractionKind.Skip, InteractionKind.Play };
        for (int step = 0; step < 60; step++)
        {
            string user = Users[step % Users.Length];
            string item = $"item-{rng.Next(items):D4}";
            var kind = kinds[rng.Next(kinds.Length)];
            double value = kind == InteractionKind.Play ? rng.Next(30, 900) : 0;
            engine.Record(new Interaction(user, item, kind, value, clock.Now));
            clock.Advance(TimeSpan.FromMinutes(37));
        }
    }

    /// <summary>Every field of the engine's state, as bytes (catalog order, counters, profiles sorted by id).</summary>
    public static byte[] Fingerprint(RecoEngine engine)
    {
        using var payload = SnapshotWriter.EncodePayload(engine.CaptureSnapshot(Everything));
        return payload.WrittenSpan.ToArray();
    }

    /// <summary>The snapshot of a <see cref="PopulatedEngine"/> (which is disposed).</summary>
    public static byte[] SnapshotOf(int items, int seed, SnapshotOptions? options = null)
    {
        using var engine = PopulatedEngine(items: items, seed: seed);
        return Save(engine, options);
    }

    public static byte[] Save(RecoEngine engine, SnapshotOptions? options = null)
    {
        using var stream = new MemoryStream();
        engine.SaveSnapshot(stream, options);
        return stream.ToArray();
    }

    public static List<Suggestion[]> SuggestAll(RecoEngine engine)
    {
        var lists = new List<Suggestion[]>();
        foreach (string user in Users.Append("stranger"))
        {
            lists.Add(engine.Suggest(user, 5).ToArray());
        }

        return lists;
    }

    /// <summary>Wraps a payload in a header with a correct checksum, so only validation can reject it.</summary>
    public static byte[] Envelope(ReadOnlySpan<byte> payload, SnapshotFlags flags = SnapshotFlags.None, ushort major = 1, ushort minor = 0)
    {
        using var stream = new MemoryStream();
        SnapshotWriter.WriteEnvelope(stream, payload, payload.Length, flags, major, minor);
        return stream.ToArray();
    }

    /// <summary>Writes a format-1 payload with MessagePackWriter, with knobs to make it wrong in one specific way.</summary>
    public static byte[] CraftPayload(
        string[] ids,
        float[] vectors,
        int dimensions = Dims,
        int? count = null,
        string[][]? tags = null,
        Action<IBufferWriter<byte>>? extraSection = null,
        int[]? rank = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(extraSection is null ? 2 : 3);
        w.Write("engine");
        w.WriteMapHeader(1);
        w.Write("dimensions");
        w.Write(dimensions);
        w.Write("catalog");
        w.WriteMapHeader(rank is null ? 4 : 5);
        w.Write("count");
        w.Write(count ?? ids.Length);
        w.Write("ids");
        w.WriteArrayHeader(ids.Length);
        foreach (string id in ids)
        {
            w.Write(id);
        }

        w.Write("vectors");
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan()));
        w.Write("tags");
        tags ??= ids.Select(_ => Array.Empty<string>()).ToArray();
        w.WriteArrayHeader(tags.Length);
        foreach (var t in tags)
        {
            w.WriteArrayHeader(t.Length);
            foreach (string tag in t)
            {
                w.Write(tag);
            }
        }

        if (rank is not null)
        {
            w.Write("rank");
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rank.AsSpan()));
        }

        w.Flush();
        extraSection?.Invoke(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Unit rows along the axes, one per id.</summary>
    public static float[] UnitRows(int count, int dimensions = Dims)
    {
        var v = new float[count * dimensions];
        for (int i = 0; i < count; i++)
        {
            v[(i * dimensions) + (i % dimensions)] = 1f;
        }

        return v;
    }

    public static string[] Ids(int count) => Enumerable.Range(0, count).Select(i => $"crafted-{i:D3}").ToArray();
}
