using System;
using MessagePack;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// Decodes repeated short strings (tags, consumed item ids) once: a bounded, direct-mapped cache keyed by the UTF-8 bytes, so
/// 100k items sharing 16 tags allocate 16 strings, not 100k. A collision just replaces the slot: no worst case beyond a plain decode,
/// whatever an attacker puts in the file.
/// </summary>
internal sealed class StringTable
{
    private const int Slots = 1024; // power of two
    private const int MaxCachedBytes = 64;
    private readonly byte[]?[] _keys = new byte[Slots][];
    private readonly string?[] _values = new string[Slots];

    /// <summary>Reads a string (the caller checked the type), reusing an earlier identical one.</summary>
    public string Read(ref MessagePackReader reader)
    {
        if (!reader.TryReadStringSpan(out ReadOnlySpan<byte> utf8))
        {
            return reader.ReadString()!; // not contiguous (nothing was consumed): the plain path
        }

        if (utf8.Length > MaxCachedBytes)
        {
            return System.Text.Encoding.UTF8.GetString(utf8);
        }

        uint hash = 2166136261;
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }

        int slot = (int)(hash & (Slots - 1));
        var key = _keys[slot];
        if (key is not null && utf8.SequenceEqual(key))
        {
            return _values[slot]!;
        }

        string value = System.Text.Encoding.UTF8.GetString(utf8);
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        return value;
    }
}
