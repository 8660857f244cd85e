using System;
using System.Buffers;
using System.Text;

namespace EmbeddedReco.Common;

/// <summary>
/// The platform-independent hashes behind persisted contracts: experiment assignment (FNV-1a 64 of UTF-8, documented on
/// <see cref="Experiment.Bucket(string, string)"/>) and the per-player seed streams (FNV-1a 64 of UTF-16 code units, see
/// <see cref="Policy.PolicyRandom.ForPlayer"/>). Never <see cref="string.GetHashCode()"/>: that one is randomized per process.
/// The outputs must never change: players would change variants and seed streams.
/// </summary>
internal static class StableHash
{
    /// <summary>The FNV-1a 64 offset basis.</summary>
    public const ulong OffsetBasis = 0xcbf29ce484222325UL;

    /// <summary>The FNV-1a 64 prime.</summary>
    public const ulong Prime = 0x100000001b3UL;

    /// <summary>FNV-1a 64 of the UTF-8 bytes of <c>first + "\n" + second</c>.</summary>
    public static ulong Fnv1a64Utf8(string first, string second)
    {
        ulong h = AppendUtf8(OffsetBasis, first);
        h = (h ^ (byte)'\n') * Prime;
        return AppendUtf8(h, second);
    }

    /// <summary>FNV-1a 64 continued over the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong AppendUtf8(ulong hash, string text)
    {
        if (text.Length == 0)
        {
            return hash;
        }

        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = Encoding.UTF8.GetBytes(text.AsSpan(), buffer);
            return Append(hash, buffer.Slice(0, n));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>FNV-1a 64 continued over <paramref name="bytes"/>.</summary>
    public static ulong Append(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    /// <summary>FNV-1a 64 continued over the UTF-16 code units of <paramref name="text"/> (one step per char, not per byte).</summary>
    public static ulong AppendUtf16(ulong hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    /// <summary>The MurmurHash3 fmix64 finalizer: spreads every input bit over every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }

    /// <summary>The top 53 bits as a double in [0, 1).</summary>
    public static double ToUnitInterval(ulong x) => (x >> 11) * (1.0 / (1UL << 53));
}
