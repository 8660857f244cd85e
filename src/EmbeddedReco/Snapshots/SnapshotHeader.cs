using System;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace EmbeddedReco.Snapshots;

/// <summary>Bits of the header's flags field. Unknown bits make a reader refuse the file (they announce a feature it lacks).</summary>
[Flags]
internal enum SnapshotFlags : uint
{
    None = 0,

    /// <summary>The stored payload is LZ4-compressed (MessagePack Lz4Block framing).</summary>
    Lz4 = 1,

    /// <summary>The payload has a "popularity" section.</summary>
    Popularity = 2,

    /// <summary>The payload has a "profiles" section.</summary>
    Profiles = 4,

    KnownV1 = Lz4 | Popularity | Profiles,
}

/// <summary>
/// The fixed 48-byte header of a snapshot file, little-endian:
/// <code>
///  0  8  magic 89 45 52 45 43 4F 1A 0A ("\x89ERECO\x1A\n")
///  8  2  format major version (1)
/// 10  2  format minor version (2; readers accept any minor of their major)
/// 12  4  flags (<see cref="SnapshotFlags"/>)
/// 16  8  stored payload length in bytes (as written, after compression)
/// 24  8  payload length in bytes after decompression (equal to the stored length when not compressed)
/// 32  8  XxHash64 (seed 0) of the stored payload bytes
/// 40  4  reserved, zero
/// 44  4  CRC-32 of header bytes 0..43
/// </code>
/// </summary>
internal readonly struct SnapshotHeader
{
    public const int Size = 48;
    public const ushort CurrentMajor = 1;
    public const ushort CurrentMinor = 2; // 1.1 adds the optional 'model' section, 1.2 the optional catalog 'rank'; older files are read as before

    public SnapshotHeader(ushort major, ushort minor, SnapshotFlags flags, long storedLength, long payloadLength, ulong checksum)
    {
        Major = major;
        Minor = minor;
        Flags = flags;
        StoredLength = storedLength;
        PayloadLength = payloadLength;
        Checksum = checksum;
    }

    public static ReadOnlySpan<byte> Magic => new byte[] { 0x89, (byte)'E', (byte)'R', (byte)'E', (byte)'C', (byte)'O', 0x1A, 0x0A };

    public ushort Major { get; }

    public ushort Minor { get; }

    public SnapshotFlags Flags { get; }

    public long StoredLength { get; }

    public long PayloadLength { get; }

    public ulong Checksum { get; }

    public void Write(Span<byte> destination)
    {
        destination = destination.Slice(0, Size);
        destination.Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(8), Major);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(10), Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(12), (uint)Flags);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(16), StoredLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(24), PayloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(32), Checksum);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(44), Crc32.HashToUInt32(destination.Slice(0, 44)));
    }

    /// <summary>
    /// Parses and checks a header: magic, version, header CRC, flags, reserved field and the lengths against the cap.
    /// <paramref name="available"/> is how many header bytes could be read (fewer than <see cref="Size"/> = truncated).
    /// </summary>
    public static SnapshotHeader Parse(ReadOnlySpan<byte> bytes, int available, long maxBytes)
    {
        var magic = Magic;
        int prefix = Math.Min(available, magic.Length);
        if (!bytes.Slice(0, prefix).SequenceEqual(magic.Slice(0, prefix)))
        {
            throw new RecoException(RecoErrorCode.SnapshotBadMagic, "The data is not an EmbeddedReco snapshot (its first bytes are not the snapshot magic).");
        }

        if (available < Size)
        {
            throw new RecoException(RecoErrorCode.SnapshotTruncated, $"The snapshot ends inside its {Size}-byte header ({available} bytes).");
        }

        ushort major = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(8));
        ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(10));
        if (major == 0 || major > CurrentMajor)
        {
            throw new RecoException(
                RecoErrorCode.SnapshotUnsupportedVersion,
                $"The snapshot has format version {major}.{minor}; this engine reads format versions 1.x to {CurrentMajor}.x.");
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(44));
        if (crc != Crc32.HashToUInt32(bytes.Slice(0, 44)))
        {
            throw new RecoException(RecoErrorCode.SnapshotChecksumMismatch, "The snapshot header is damaged (its CRC-32 does not match).");
        }

        var flags = (SnapshotFlags)BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(12));
        if ((flags & ~SnapshotFlags.KnownV1) != 0)
        {
            throw new RecoException(
                RecoErrorCode.SnapshotUnsupportedVersion,
                $"The snapshot uses features unknown to this engine (header flags 0x{(uint)flags:X8}).");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(40)) != 0)
        {
            throw new RecoException(RecoErrorCode.SnapshotInvalid, "The snapshot header has a non-zero reserved field.");
        }

        long stored = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(16));
        long payload = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(24));
        if (stored < 0 || payload < 0)
        {
            throw new RecoException(RecoErrorCode.SnapshotInvalid, "The snapshot header has a negative payload length.");
        }

        if (stored > maxBytes - Size || payload > maxBytes)
        {
            throw new RecoException(
                RecoErrorCode.SnapshotTooLarge,
                $"The snapshot announces a payload of {stored} bytes ({payload} decompressed) after its {Size}-byte header; the limit is {maxBytes} bytes in all (SnapshotOptions.MaxSnapshotBytes).");
        }

        if ((flags & SnapshotFlags.Lz4) == 0 && stored != payload)
        {
            throw new RecoException(RecoErrorCode.SnapshotInvalid, "The snapshot header's stored and payload lengths differ for an uncompressed payload.");
        }

        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(32));
        return new SnapshotHeader(major, minor, flags, stored, payload, checksum);
    }
}
