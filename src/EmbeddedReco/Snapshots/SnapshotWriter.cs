using System;
using System.IO;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MessagePack;

namespace EmbeddedReco.Snapshots;

/// <summary>Encodes a <see cref="SnapshotModel"/> as a format-1 payload and writes header + payload to a stream.</summary>
internal static class SnapshotWriter
{
    /// <summary>Writes a complete snapshot file (header and payload) to <paramref name="stream"/>; returns the bytes written.</summary>
    public static long Write(Stream stream, SnapshotModel model, SnapshotCompression compression, long maxBytes)
    {
        using var payload = EncodePayload(model);
        var flags = SnapshotFlags.None;
        if (model.HasPopularity)
        {
            flags |= SnapshotFlags.Popularity;
        }

        if (model.HasProfiles)
        {
            flags |= SnapshotFlags.Profiles;
        }

        ReadOnlyMemory<byte> stored = payload.WrittenMemory;
        if (compression == SnapshotCompression.Lz4)
        {
            stored = Lz4Payload.Compress(payload.WrittenMemory);
            flags |= SnapshotFlags.Lz4;
        }

        if (stored.Length > maxBytes - SnapshotHeader.Size || payload.WrittenCount > maxBytes)
        {
            throw new RecoException(
                RecoErrorCode.SnapshotTooLarge,
                $"The snapshot would be {stored.Length + SnapshotHeader.Size} bytes ({payload.WrittenCount} decompressed); the limit is {maxBytes} (SnapshotOptions.MaxSnapshotBytes).");
        }

        WriteEnvelope(stream, stored.Span, payload.WrittenCount, flags);
        return SnapshotHeader.Size + stored.Length;
    }

    /// <summary>Writes a header (with the payload's checksum) and the stored payload bytes. Also used by tests to craft files.</summary>
    public static void WriteEnvelope(Stream stream, ReadOnlySpan<byte> stored, long payloadLength, SnapshotFlags flags, ushort major = SnapshotHeader.CurrentMajor, ushort minor = SnapshotHeader.CurrentMinor)
    {
        var header = new SnapshotHeader(major, minor, flags, stored.Length, payloadLength, XxHash64.HashToUInt64(stored));
        Span<byte> bytes = stackalloc byte[SnapshotHeader.Size];
        header.Write(bytes);
        stream.Write(bytes);
        stream.Write(stored);
    }

    /// <summary>Encodes the payload into a pooled buffer; the caller disposes it.</summary>
    public static PooledBufferWriter EncodePayload(SnapshotModel model)
    {
        int dims = model.Dimensions;
        long estimate = 4096L + ((long)model.ItemIds.Length * ((dims * 4L) + 64)) + ((long)(model.UserIds?.Length ?? 0) * ((dims * 4L) + 128));
        var buffer = new PooledBufferWriter((int)Math.Min(estimate, 1L << 30));
        var w = new MessagePackWriter(buffer);
        int sections = 2 + (model.HasPopularity ? 1 : 0) + (model.HasProfiles ? 1 : 0) + (model.Collaborative is null ? 0 : 1);
        w.WriteMapHeader(sections);

        w.Write(SnapshotFormat.EngineSection);
        WriteEngine(ref w, model);

        WriteCatalog(ref w, model);
        if (model.HasPopularity)
        {
            WritePopularity(ref w, model);
        }

        if (model.HasProfiles)
        {
            WriteProfiles(ref w, model);
        }

        if (model.Collaborative is { } c)
        {
            WriteCollaborative(ref w, c);
        }

        w.Flush();
        return buffer;
    }

    /// <summary>Writes the catalog section: item count, ids, vectors, tags and (when present) the rank.</summary>
    private static void WriteCatalog(ref MessagePackWriter w, SnapshotModel model)
    {
        w.Write(SnapshotFormat.CatalogSection);
        w.WriteMapHeader(model.ItemRank is null ? 4 : 5);
        w.Write(SnapshotFormat.Count);
        w.Write(model.ItemIds.Length);
        w.Write(SnapshotFormat.Ids);
        WriteStrings(ref w, model.ItemIds);
        w.Write(SnapshotFormat.Vectors);
        WriteFloats(ref w, model.ItemVectors);
        w.Write(SnapshotFormat.Tags);
        WriteStringArrays(ref w, model.ItemTags);
        if (model.ItemRank is not null)
        {
            w.Write(SnapshotFormat.Rank);
            WriteInts(ref w, model.ItemRank);
        }
    }

    /// <summary>Writes the popularity section: log2 popularity, impressions and engagements per item.</summary>
    private static void WritePopularity(ref MessagePackWriter w, SnapshotModel model)
    {
        w.Write(SnapshotFormat.PopularitySection);
        w.WriteMapHeader(3);
        w.Write(SnapshotFormat.Log2);
        WriteDoubles(ref w, model.PopularityLog2!);
        w.Write(SnapshotFormat.Impressions);
        WriteLongs(ref w, model.Impressions!);
        w.Write(SnapshotFormat.Engagements);
        WriteLongs(ref w, model.Engagements!);
    }

    /// <summary>Writes the profiles section: the per-user columns, then (when present) the per-user item state.</summary>
    private static void WriteProfiles(ref MessagePackWriter w, SnapshotModel model)
    {
        var items = model.UserItems;
        w.Write(SnapshotFormat.ProfilesSection);
        w.WriteMapHeader(items is null ? 7 : 15);
        w.Write(SnapshotFormat.Count);
        w.Write(model.UserIds!.Length);
        w.Write(SnapshotFormat.Ids);
        WriteStrings(ref w, model.UserIds);
        w.Write(SnapshotFormat.Vectors);
        WriteFloats(ref w, model.UserVectors!);
        w.Write(SnapshotFormat.LastTicks);
        WriteLongs(ref w, model.UserLastTicks!);
        w.Write(SnapshotFormat.Interactions);
        WriteLongs(ref w, model.UserInteractions!);
        w.Write(SnapshotFormat.Positives);
        WriteLongs(ref w, model.UserPositives!);
        w.Write(SnapshotFormat.Consumed);
        WriteStringArrays(ref w, model.UserConsumed!);
        if (items is not null)
        {
            WriteUserItems(ref w, items);
        }
    }

    /// <summary>Writes the eight per-user item columns of the profiles section.</summary>
    private static void WriteUserItems(ref MessagePackWriter w, SnapshotUserItems items)
    {
        w.Write(SnapshotFormat.ItemCounts);
        WriteInts(ref w, items.Counts);
        w.Write(SnapshotFormat.ItemIds);
        WriteStrings(ref w, items.ItemIds);
        w.Write(SnapshotFormat.ItemWeight);
        WriteFloats(ref w, items.Weight);
        w.Write(SnapshotFormat.ItemWeightTicks);
        WriteLongs(ref w, items.WeightTicks);
        w.Write(SnapshotFormat.ItemIgnored);
        WriteInts(ref w, items.Ignored);
        w.Write(SnapshotFormat.ItemLastShownTicks);
        WriteLongs(ref w, items.LastShownTicks);
        w.Write(SnapshotFormat.ItemCooldownUntilTicks);
        WriteLongs(ref w, items.CooldownUntilTicks);
        w.Write(SnapshotFormat.ItemLastTouchTicks);
        WriteLongs(ref w, items.LastTouchTicks);
    }

    /// <summary>Writes the collaborative model section, dense (EASE) or sparse (item-kNN CSR).</summary>
    private static void WriteCollaborative(ref MessagePackWriter w, SnapshotCollaborative c)
    {
        bool dense = c.Dense is not null;
        w.Write(SnapshotFormat.ModelSection);
        w.WriteMapHeader(dense ? 7 : 9);
        w.Write(SnapshotFormat.Algorithm);
        w.Write(c.Algorithm);
        w.Write(SnapshotFormat.ItemIds);
        WriteStrings(ref w, c.ItemIds);
        if (dense)
        {
            w.Write(SnapshotFormat.Dense);
            WriteFloats(ref w, c.Dense!);
        }
        else
        {
            w.Write(SnapshotFormat.Start);
            WriteInts(ref w, c.Start!);
            w.Write(SnapshotFormat.Neighbours);
            WriteInts(ref w, c.Neighbours!);
            w.Write(SnapshotFormat.Similarities);
            WriteFloats(ref w, c.Similarities!);
        }

        w.Write(SnapshotFormat.Users);
        w.Write(c.Users);
        w.Write(SnapshotFormat.Interactions);
        w.Write(c.Interactions);
        w.Write(SnapshotFormat.TrainedAtTicks);
        w.Write(c.TrainedAtTicks);
        w.Write(SnapshotFormat.DurationTicks);
        w.Write(c.DurationTicks);
    }

    private static void WriteEngine(ref MessagePackWriter w, SnapshotModel model)
    {
        var s = model.Settings;
        w.WriteMapHeader(6);
        w.Write(SnapshotFormat.Dimensions);
        w.Write(model.Dimensions);
        w.Write(SnapshotFormat.ProfileHalfLifeTicks);
        w.Write(s.ProfileHalfLifeTicks);
        w.Write(SnapshotFormat.PopularityHalfLifeTicks);
        w.Write(s.PopularityHalfLifeTicks);
        w.Write(SnapshotFormat.MaxIdBytes);
        w.Write(s.MaxIdBytes);
        w.Write(SnapshotFormat.Weights);
        w.WriteMapHeader(SnapshotSettings.WeightNames.Length);
        for (int i = 0; i < SnapshotSettings.WeightNames.Length; i++)
        {
            w.Write(SnapshotSettings.WeightNames[i]);
            w.Write(s.Weights[i]);
        }

        w.Write(SnapshotFormat.ConsumedKinds);
        w.WriteArrayHeader(s.ConsumedKinds.Length);
        foreach (int kind in s.ConsumedKinds)
        {
            w.Write(kind);
        }
    }

    private static void WriteStrings(ref MessagePackWriter w, string[] values)
    {
        w.WriteArrayHeader(values.Length);
        foreach (string value in values)
        {
            w.Write(value);
        }
    }

    private static void WriteStringArrays(ref MessagePackWriter w, string[][] values)
    {
        w.WriteArrayHeader(values.Length);
        foreach (string[] inner in values)
        {
            WriteStrings(ref w, inner);
        }
    }

    private static void WriteFloats(ref MessagePackWriter w, float[] values) => WriteBlock(ref w, values);

    private static void WriteDoubles(ref MessagePackWriter w, double[] values) => WriteBlock(ref w, values);

    private static void WriteInts(ref MessagePackWriter w, int[] values) => WriteBlock(ref w, values);

    private static void WriteLongs(ref MessagePackWriter w, long[] values) => WriteBlock(ref w, values);

    /// <summary>One msgpack bin of little-endian values: a block copy on little-endian machines, bytes swapped per value otherwise.</summary>
    private static void WriteBlock<T>(ref MessagePackWriter w, T[] values)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        w.WriteBinHeader(checked(values.Length * size));
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            w.WriteRaw(bytes);
            return;
        }

        var swapped = new byte[size];
        for (int offset = 0; offset < bytes.Length; offset += size)
        {
            bytes.Slice(offset, size).CopyTo(swapped);
            Array.Reverse(swapped);
            w.WriteRaw(swapped);
        }
    }
}
