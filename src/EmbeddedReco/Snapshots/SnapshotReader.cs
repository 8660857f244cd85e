using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EmbeddedReco.Catalog;
using MessagePack;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// Reads a snapshot, treating every byte as hostile: header checks and the size cap first, then the payload checksum over the
/// whole stored payload BEFORE any parsing, then a strict, bounded MessagePack parse into a <see cref="SnapshotModel"/>.
/// Semantic checks are done by <see cref="SnapshotValidator"/>. Every failure is a <see cref="RecoException"/> with a snapshot code.
/// </summary>
internal static class SnapshotReader
{
    private const int ChunkSize = 1 << 20;

    private static readonly MessagePackSecurity Security = MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(SnapshotFormat.MaxDepth);

    /// <param name="stream">Positioned at the header.</param>
    /// <param name="maxBytes">The size cap (header + payload, and the decompressed payload).</param>
    /// <param name="recycle">A closed, retired catalog whose arrays may be overwritten where their lengths fit, or null.</param>
    public static SnapshotModel Read(Stream stream, long maxBytes, CatalogSnapshot? recycle = null)
    {
        var headerBytes = new byte[SnapshotHeader.Size];
        int got = ReadFully(stream, headerBytes, 0, headerBytes.Length);
        var header = SnapshotHeader.Parse(headerBytes, got, maxBytes);
        byte[]? rented = null;
        try
        {
            ReadOnlyMemory<byte> stored = ReadStored(stream, header.StoredLength, ref rented);
            if (XxHash64.HashToUInt64(stored.Span) != header.Checksum)
            {
                throw new RecoException(RecoErrorCode.SnapshotChecksumMismatch, "The snapshot payload does not match the checksum in its header (the file is damaged).");
            }

            try
            {
                ReadOnlyMemory<byte> payload = (header.Flags & SnapshotFlags.Lz4) != 0 ? Lz4Payload.Decompress(stored, header.PayloadLength) : stored;
                return Parse(payload, header, recycle);
            }
            catch (Exception ex) when (IsParseFailure(ex))
            {
                throw new RecoException(RecoErrorCode.SnapshotInvalid, $"The snapshot payload is malformed: {ex.Message}", ex);
            }
        }
        finally
        {
            // Nothing decoded refers to the buffer: strings and arrays are copied out of it.
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    internal static bool IsParseFailure(Exception ex) =>
        ex is MessagePackSerializationException || ex is EndOfStreamException || ex is InsufficientExecutionStackException
        || ex is OverflowException || ex is InvalidOperationException || ex is ArgumentException || ex is FormatException
        || ex is IndexOutOfRangeException || ex is InvalidCastException;

    private static ReadOnlyMemory<byte> ReadStored(Stream stream, long length, ref byte[]? rented)
    {
        if (stream is MemoryStream memory && memory.TryGetBuffer(out ArraySegment<byte> whole))
        {
            // Bytes already in memory (a verified signed snapshot): read them in place instead of holding a second copy.
            long remaining = memory.Length - memory.Position;
            if (remaining < length)
            {
                throw Truncated(length, remaining);
            }

            var stored = new ReadOnlyMemory<byte>(whole.Array!, whole.Offset + (int)memory.Position, (int)length);
            memory.Position += length;
            return stored;
        }

        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining < length)
            {
                throw Truncated(length, remaining);
            }

            // Known to be present: a pooled buffer avoids a large-object allocation (and the GC it triggers) per load.
            rented = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            int n = ReadFully(stream, rented, 0, (int)length);
            if (n < length)
            {
                throw Truncated(length, n);
            }

            return new ReadOnlyMemory<byte>(rented, 0, (int)length);
        }

        // Unknown length: grow in chunks so a header that lies about the length cannot make us allocate it up front.
        var buffer = new byte[Math.Min(length, ChunkSize)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read <= 0)
            {
                throw Truncated(length, filled);
            }

            filled += read;
        }

        return buffer;
    }

    private static RecoException Truncated(long expected, long actual) =>
        new RecoException(RecoErrorCode.SnapshotTruncated, $"The snapshot ends early: its header announces a {expected}-byte payload but only {actual} bytes follow.");

    private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
    {
        int total = 0;
        while (total < count)
        {
            int read = stream.Read(buffer, offset + total, count - total);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    // ---------------- payload parse ----------------

    private static SnapshotModel Parse(ReadOnlyMemory<byte> payload, in SnapshotHeader header, CatalogSnapshot? recycle)
    {
        var security = Security;
        var r = new MessagePackReader(payload);
        var model = new SnapshotModel();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool engine = false, catalog = false;
        int itemCount = -1, userCount = -1;

        int sections = MapHeader(ref r, "the payload");
        for (int s = 0; s < sections; s++)
        {
            string name = Key(ref r, "section name");
            if (!seen.Add(name))
            {
                throw Invalid($"The snapshot has the section '{name}' twice.");
            }

            switch (name)
            {
                case SnapshotFormat.EngineSection:
                    ReadEngine(ref r, model, security);
                    engine = true;
                    break;
                case SnapshotFormat.CatalogSection:
                    itemCount = ReadCatalog(ref r, model, security, recycle);
                    catalog = true;
                    break;
                case SnapshotFormat.PopularitySection:
                    ReadPopularity(ref r, model, security, recycle?.Counters);
                    break;
                case SnapshotFormat.ProfilesSection:
                    userCount = ReadProfiles(ref r, model, security);
                    break;
                case SnapshotFormat.ModelSection:
                    model.Collaborative = ReadCollaborative(ref r, security);
                    break;
                default:
                    // A section added by a later minor version: skip it, with bounded depth.
                    SkipBounded(ref r, security);
                    break;
            }
        }

        if (r.Consumed != payload.Length)
        {
            throw Invalid($"The snapshot payload has {payload.Length - r.Consumed} unexpected bytes after its section map.");
        }

        if (!engine || !catalog)
        {
            throw Invalid($"The snapshot lacks its required '{(engine ? SnapshotFormat.CatalogSection : SnapshotFormat.EngineSection)}' section.");
        }

        if (model.HasPopularity != ((header.Flags & SnapshotFlags.Popularity) != 0) || model.HasProfiles != ((header.Flags & SnapshotFlags.Profiles) != 0))
        {
            throw Invalid("The snapshot header flags do not agree with the sections in its payload.");
        }

        if (itemCount != model.ItemIds.Length)
        {
            throw Invalid($"The catalog section says {itemCount} items but holds {model.ItemIds.Length} ids.");
        }

        if (model.HasProfiles && userCount != model.UserIds!.Length)
        {
            throw Invalid($"The profiles section says {userCount} users but holds {model.UserIds.Length} ids.");
        }

        return model;
    }

    private static void ReadEngine(ref MessagePackReader r, SnapshotModel model, MessagePackSecurity security)
    {
        var settings = model.Settings;
        bool dims = false;
        int fields = MapHeader(ref r, "the engine section");
        for (int f = 0; f < fields; f++)
        {
            switch (Key(ref r, "engine field"))
            {
                case SnapshotFormat.Dimensions:
                    model.Dimensions = r.ReadInt32();
                    dims = true;
                    break;
                case SnapshotFormat.ProfileHalfLifeTicks:
                    settings.ProfileHalfLifeTicks = r.ReadInt64();
                    break;
                case SnapshotFormat.PopularityHalfLifeTicks:
                    settings.PopularityHalfLifeTicks = r.ReadInt64();
                    break;
                case SnapshotFormat.MaxIdBytes:
                    settings.MaxIdBytes = r.ReadInt32();
                    break;
                case SnapshotFormat.Weights:
                    int n = MapHeader(ref r, "the weights map");
                    for (int i = 0; i < n; i++)
                    {
                        string name = Key(ref r, "weight name");
                        int index = Array.IndexOf(SnapshotSettings.WeightNames, name);
                        if (index >= 0)
                        {
                            settings.Weights[index] = r.ReadDouble();
                        }
                        else
                        {
                            SkipBounded(ref r, security);
                        }
                    }

                    break;
                case SnapshotFormat.ConsumedKinds:
                    int k = ArrayHeader(ref r, "consumedKinds");
                    var kinds = new int[k];
                    for (int i = 0; i < k; i++)
                    {
                        kinds[i] = r.ReadInt32();
                    }

                    settings.ConsumedKinds = kinds;
                    break;
                default:
                    SkipBounded(ref r, security);
                    break;
            }
        }

        if (!dims)
        {
            throw Invalid("The engine section lacks 'dimensions'.");
        }
    }

    private static int ReadCatalog(ref MessagePackReader r, SnapshotModel model, MessagePackSecurity security, CatalogSnapshot? recycle)
    {
        int count = -1;
        string[]? ids = null;
        float[]? vectors = null;
        string[][]? tags = null;
        int fields = MapHeader(ref r, "the catalog section");
        for (int f = 0; f < fields; f++)
        {
            switch (Key(ref r, "catalog field"))
            {
                case SnapshotFormat.Count:
                    count = r.ReadInt32();
                    break;
                case SnapshotFormat.Ids:
                    ids = Strings(ref r, "catalog ids", reuse: recycle?.Ids);
                    break;
                case SnapshotFormat.Vectors:
                    vectors = Block(ref r, "catalog vectors", recycle?.Vectors, largePages: true);
                    break;
                case SnapshotFormat.Tags:
                    tags = StringArrays(ref r, "catalog tags", recycle?.Tags);
                    break;
                case SnapshotFormat.Rank:
                    model.ItemRank = Block(ref r, "catalog rank", recycle?.IdRank);
                    break;
                default:
                    SkipBounded(ref r, security);
                    break;
            }
        }

        model.ItemIds = ids ?? throw Invalid("The catalog section lacks 'ids'.");
        model.ItemVectors = vectors ?? throw Invalid("The catalog section lacks 'vectors'.");
        model.ItemTags = tags ?? throw Invalid("The catalog section lacks 'tags'.");
        return count;
    }

    private static SnapshotCollaborative ReadCollaborative(ref MessagePackReader r, MessagePackSecurity security)
    {
        var c = new SnapshotCollaborative { Algorithm = -1 };
        int fields = MapHeader(ref r, "the model section");
        for (int f = 0; f < fields; f++)
        {
            switch (Key(ref r, "model field"))
            {
                case SnapshotFormat.Algorithm:
                    c.Algorithm = r.ReadInt32();
                    break;
                case SnapshotFormat.ItemIds:
                    c.ItemIds = Strings(ref r, "model item ids");
                    break;
                case SnapshotFormat.Dense:
                    c.Dense = Floats(ref r, "model weights");
                    break;
                case SnapshotFormat.Start:
                    c.Start = Ints(ref r, "model neighbour offsets");
                    break;
                case SnapshotFormat.Neighbours:
                    c.Neighbours = Ints(ref r, "model neighbours");
                    break;
                case SnapshotFormat.Similarities:
                    c.Similarities = Floats(ref r, "model similarities");
                    break;
                case SnapshotFormat.Users:
                    c.Users = r.ReadInt32();
                    break;
                case SnapshotFormat.Interactions:
                    c.Interactions = r.ReadInt32();
                    break;
                case SnapshotFormat.TrainedAtTicks:
                    c.TrainedAtTicks = r.ReadInt64();
                    break;
                case SnapshotFormat.DurationTicks:
                    c.DurationTicks = r.ReadInt64();
                    break;
                default:
                    SkipBounded(ref r, security);
                    break;
            }
        }

        return c;
    }

    private static void ReadPopularity(ref MessagePackReader r, SnapshotModel model, MessagePackSecurity security, MutableItemCounters? recycle)
    {
        int fields = MapHeader(ref r, "the popularity section");
        for (int f = 0; f < fields; f++)
        {
            switch (Key(ref r, "popularity field"))
            {
                case SnapshotFormat.Log2:
                    model.PopularityLog2 = Block(ref r, "popularity log2", recycle?.PopularityLog2Buffer);
                    break;
                case SnapshotFormat.Impressions:
                    model.Impressions = Block(ref r, "popularity impressions", recycle?.ImpressionsBuffer);
                    break;
                case SnapshotFormat.Engagements:
                    model.Engagements = Block(ref r, "popularity engagements", recycle?.EngagementsBuffer);
                    break;
                default:
                    SkipBounded(ref r, security);
                    break;
            }
        }

        if (model.PopularityLog2 is null || model.Impressions is null || model.Engagements is null)
        {
            throw Invalid("The popularity section lacks one of 'log2', 'impressions', 'engagements'.");
        }
    }

    private static int ReadProfiles(ref MessagePackReader r, SnapshotModel model, MessagePackSecurity security)
    {
        int count = -1;
        int fields = MapHeader(ref r, "the profiles section");
        for (int f = 0; f < fields; f++)
        {
            switch (Key(ref r, "profiles field"))
            {
                case SnapshotFormat.Count:
                    count = r.ReadInt32();
                    break;
                case SnapshotFormat.Ids:
                    model.UserIds = Strings(ref r, "profile ids");
                    break;
                case SnapshotFormat.Vectors:
                    model.UserVectors = Floats(ref r, "profile vectors");
                    break;
                case SnapshotFormat.LastTicks:
                    model.UserLastTicks = Longs(ref r, "profile lastTicks");
                    break;
                case SnapshotFormat.Interactions:
                    model.UserInteractions = Longs(ref r, "profile interactions");
                    break;
                case SnapshotFormat.Positives:
                    model.UserPositives = Longs(ref r, "profile positives");
                    break;
                case SnapshotFormat.Consumed:
                    model.UserConsumed = StringArrays(ref r, "profile consumed items");
                    break;
                case SnapshotFormat.ItemCounts:
                    Items(model).Counts = Ints(ref r, "profile itemCounts");
                    break;
                case SnapshotFormat.ItemIds:
                    Items(model).ItemIds = Strings(ref r, "profile itemIds", new StringTable());
                    break;
                case SnapshotFormat.ItemWeight:
                    Items(model).Weight = Floats(ref r, "profile itemWeight");
                    break;
                case SnapshotFormat.ItemWeightTicks:
                    Items(model).WeightTicks = Longs(ref r, "profile itemWeightTicks");
                    break;
                case SnapshotFormat.ItemIgnored:
                    Items(model).Ignored = Ints(ref r, "profile itemIgnored");
                    break;
                case SnapshotFormat.ItemLastShownTicks:
                    Items(model).LastShownTicks = Longs(ref r, "profile itemLastShownTicks");
                    break;
                case SnapshotFormat.ItemCooldownUntilTicks:
                    Items(model).CooldownUntilTicks = Longs(ref r, "profile itemCooldownUntilTicks");
                    break;
                case SnapshotFormat.ItemLastTouchTicks:
                    Items(model).LastTouchTicks = Longs(ref r, "profile itemLastTouchTicks");
                    break;
                default:
                    SkipBounded(ref r, security);
                    break;
            }
        }

        if (model.UserIds is null || model.UserVectors is null || model.UserLastTicks is null || model.UserInteractions is null
            || model.UserPositives is null || model.UserConsumed is null)
        {
            throw Invalid("The profiles section lacks one of its fields (ids, vectors, lastTicks, interactions, positives, consumed).");
        }

        return count;
    }

    /// <summary>The item-state arrays, created on the first item field (missing fields stay empty and fail the count checks).</summary>
    private static SnapshotUserItems Items(SnapshotModel model) => model.UserItems ??= new SnapshotUserItems();

    // ---------------- primitives ----------------

    private static long Remaining(ref MessagePackReader r) => r.Sequence.Length - r.Consumed;

    private static int MapHeader(ref MessagePackReader r, string what)
    {
        if (r.NextMessagePackType != MessagePackType.Map)
        {
            throw Invalid($"Expected a map for {what}, found {r.NextMessagePackType}.");
        }

        int n = r.ReadMapHeader();
        if ((long)n * 2 > Remaining(ref r))
        {
            throw Invalid($"The map header of {what} claims {n} entries but only {Remaining(ref r)} bytes remain.");
        }

        return n;
    }

    private static int ArrayHeader(ref MessagePackReader r, string what)
    {
        if (r.NextMessagePackType != MessagePackType.Array)
        {
            throw Invalid($"Expected an array for {what}, found {r.NextMessagePackType}.");
        }

        int n = r.ReadArrayHeader();
        if (n > Remaining(ref r))
        {
            throw Invalid($"The array header of {what} claims {n} elements but only {Remaining(ref r)} bytes remain.");
        }

        return n;
    }

    private static string Key(ref MessagePackReader r, string what)
    {
        if (r.NextMessagePackType != MessagePackType.String)
        {
            throw Invalid($"Expected a string {what}, found {r.NextMessagePackType}.");
        }

        return r.ReadString() ?? throw Invalid($"A {what} is nil.");
    }

    /// <summary>Reads an array of strings; <paramref name="knownCount"/> = the header was already read with that many elements;
    /// <paramref name="reuse"/> = an array to overwrite when its length fits.</summary>
    private static string[] Strings(ref MessagePackReader r, string what, StringTable? table = null, int knownCount = -1, string[]? reuse = null)
    {
        int n = knownCount >= 0 ? knownCount : ArrayHeader(ref r, what);
        if (n > Remaining(ref r))
        {
            throw Invalid($"The array header of {what} claims {n} elements but only {Remaining(ref r)} bytes remain.");
        }

        var values = n == 0 ? Array.Empty<string>() : reuse is not null && reuse.Length == n ? reuse : new string[n];
        for (int i = 0; i < n; i++)
        {
            if (r.NextMessagePackType != MessagePackType.String)
            {
                throw Invalid($"Element {i} of {what} is {r.NextMessagePackType}, not a string.");
            }

            values[i] = table is null ? r.ReadString()! : table.Read(ref r);
        }

        return values;
    }

    /// <summary>Arrays of repeated strings (tags, consumed ids): strings are shared through a <see cref="StringTable"/>, and
    /// one-element lists of the same shared string share one array (lists are never mutated after loading).</summary>
    private static string[][] StringArrays(ref MessagePackReader r, string what, string[][]? reuse = null)
    {
        const int Singles = 256;
        int n = ArrayHeader(ref r, what);
        var values = reuse is not null && reuse.Length == n ? reuse : new string[n][];
        var table = new StringTable();
        var singles = new string[Singles][];
        for (int i = 0; i < n; i++)
        {
            int m = ArrayHeader(ref r, what);
            if (m == 1)
            {
                if (r.NextMessagePackType != MessagePackType.String)
                {
                    throw Invalid($"Element 0 of {what} is {r.NextMessagePackType}, not a string.");
                }

                string single = table.Read(ref r);
                int slot = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(single) & (Singles - 1);
                var shared = singles[slot];
                if (shared is null || !ReferenceEquals(shared[0], single))
                {
                    shared = new[] { single };
                    singles[slot] = shared;
                }

                values[i] = shared;
            }
            else
            {
                values[i] = Strings(ref r, what, table, m);
            }
        }

        return values;
    }

    private static ReadOnlySequence<byte> Bin(ref MessagePackReader r, string what, int elementSize)
    {
        if (r.NextMessagePackType != MessagePackType.Binary)
        {
            throw Invalid($"Expected a binary block for {what}, found {r.NextMessagePackType}.");
        }

        var bytes = r.ReadBytes() ?? throw Invalid($"The binary block of {what} is nil.");
        if (bytes.Length % elementSize != 0)
        {
            throw Invalid($"The binary block of {what} has {bytes.Length} bytes, not a multiple of {elementSize}.");
        }

        return bytes;
    }

    private static float[] Floats(ref MessagePackReader r, string what) => Block<float>(ref r, what, null);

    private static int[] Ints(ref MessagePackReader r, string what) => Block<int>(ref r, what, null);

    private static long[] Longs(ref MessagePackReader r, string what) => Block<long>(ref r, what, null);

    /// <summary>One msgpack bin of little-endian values: a block copy, bytes swapped per value on a big-endian machine.
    /// <paramref name="reuse"/> = an array to overwrite when its length fits (warm memory instead of a fresh allocation).</summary>
    private static T[] Block<T>(ref MessagePackReader r, string what, T[]? reuse, bool largePages = false)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var bytes = Bin(ref r, what, size);
        int length = (int)(bytes.Length / size);
#if NET
        // Every element is overwritten by the copy below: skip zeroing tens of megabytes of vectors. The catalog's rows are placed
        // for large pages (Common.LargePages): the float32 scan and the rescoring read them on every Suggest.
        var values = reuse is not null && reuse.Length == length ? reuse
            : largePages ? Common.LargePages.AllocateInPlace<T>(length)
            : GC.AllocateUninitializedArray<T>(length);
#else
        var values = reuse is not null && reuse.Length == length ? reuse : new T[length];
#endif
        Span<byte> target = MemoryMarshal.AsBytes(values.AsSpan());
        bytes.CopyTo(target);
        if (!BitConverter.IsLittleEndian)
        {
            for (int offset = 0; offset < target.Length; offset += size)
            {
                target.Slice(offset, size).Reverse();
            }
        }

        return values;
    }

    /// <summary>Skips one value of any shape, following at most <see cref="MessagePackSecurity.MaximumObjectGraphDepth"/> levels.</summary>
    internal static void SkipBounded(ref MessagePackReader r, MessagePackSecurity security)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Map:
            {
                int n = r.ReadMapHeader();
                if ((long)n * 2 > Remaining(ref r))
                {
                    throw Invalid($"A map header claims {n} entries but only {Remaining(ref r)} bytes remain.");
                }

                security.DepthStep(ref r);
                for (int i = 0; i < n * 2; i++)
                {
                    SkipBounded(ref r, security);
                }

                r.Depth--;
                break;
            }

            case MessagePackType.Array:
            {
                int n = r.ReadArrayHeader();
                if (n > Remaining(ref r))
                {
                    throw Invalid($"An array header claims {n} elements but only {Remaining(ref r)} bytes remain.");
                }

                security.DepthStep(ref r);
                for (int i = 0; i < n; i++)
                {
                    SkipBounded(ref r, security);
                }

                r.Depth--;
                break;
            }

            default:
                r.Skip();
                break;
        }
    }

    private static RecoException Invalid(string message) => new RecoException(RecoErrorCode.SnapshotInvalid, message);
}
