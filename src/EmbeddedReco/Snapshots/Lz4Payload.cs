using System;
using MessagePack;
using MessagePack.Formatters;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// LZ4 for a raw payload through MessagePack's public compression support (Lz4Block framing: an ext(99) value holding the
/// decompressed length and the LZ4 block). An explicit formatter and resolver: no dynamic code, safe under AOT and IL2CPP.
/// Decompression honours <see cref="MessagePackSecurity.MaximumDecompressedSize"/>, set to the snapshot's announced length.
/// </summary>
internal static class Lz4Payload
{
    private static readonly MessagePackSerializerOptions CompressOptions = MessagePackSerializerOptions.Standard
        .WithResolver(RawResolver.Instance)
        .WithCompression(MessagePackCompression.Lz4Block);

    public static ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> payload) =>
        MessagePackSerializer.Serialize(new RawPayload(payload), CompressOptions);

    /// <summary>Decompresses a stored payload; the result must be exactly <paramref name="expectedLength"/> bytes.</summary>
    public static byte[] Decompress(ReadOnlyMemory<byte> stored, long expectedLength)
    {
        var options = MessagePackSerializerOptions.Standard
            .WithResolver(RawResolver.Instance)
            .WithCompression(MessagePackCompression.Lz4Block)
            .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumDecompressedSize((int)Math.Min(expectedLength, int.MaxValue)));
        var raw = MessagePackSerializer.Deserialize<RawPayload>(stored, options, out int read);
        if (read != stored.Length)
        {
            throw new RecoException(RecoErrorCode.SnapshotInvalid, $"The compressed snapshot payload has {stored.Length - read} unexpected trailing bytes.");
        }

        if (raw.Bytes.Length != expectedLength)
        {
            throw new RecoException(
                RecoErrorCode.SnapshotInvalid,
                $"The compressed snapshot payload decompresses to {raw.Bytes.Length} bytes; its header announces {expectedLength}.");
        }

        return MemoryMarshalHelper.AsArray(raw.Bytes);
    }

    private readonly struct RawPayload
    {
        public RawPayload(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

        public ReadOnlyMemory<byte> Bytes { get; }
    }

    private sealed class RawFormatter : IMessagePackFormatter<RawPayload>
    {
        public static readonly RawFormatter Instance = new RawFormatter();

        public void Serialize(ref MessagePackWriter writer, RawPayload value, MessagePackSerializerOptions options) =>
            writer.WriteRaw(value.Bytes.Span);

        public RawPayload Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            // The reader spans the decompressed bytes (a pooled buffer): copy them out.
            long remaining = reader.Sequence.Length - reader.Consumed;
            var bytes = new byte[remaining];
            System.Buffers.BuffersExtensions.CopyTo(reader.ReadRaw(remaining), bytes);
            return new RawPayload(bytes);
        }
    }

    private sealed class RawResolver : IFormatterResolver
    {
        public static readonly RawResolver Instance = new RawResolver();

        public IMessagePackFormatter<T>? GetFormatter<T>() =>
            typeof(T) == typeof(RawPayload) ? (IMessagePackFormatter<T>)(object)RawFormatter.Instance : null;
    }

    private static class MemoryMarshalHelper
    {
        public static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : memory.ToArray();
    }
}
