using System.Runtime.CompilerServices;
using EmbeddedReco.Common;

namespace EmbeddedReco.Policy;

/// <summary>SplitMix64: a tiny, fast, allocation-free generator with a documented sequence for a given seed (same on every platform).</summary>
internal struct PolicyRandom
{
    private ulong _state;

    public PolicyRandom(ulong seed) => _state = seed;

    /// <summary>Derives the seed of the n-th call from the engine seed.</summary>
    public static ulong Derive(int engineSeed, long call)
    {
        var r = new PolicyRandom(((ulong)(uint)engineSeed << 32) ^ (ulong)call ^ 0x5DEECE66DUL);
        return r.NextUInt64();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// The seed of a player's n-th shown list: FNV-1a 64 of the id's UTF-16 code units mixed with the engine seed and the count.
    /// Stable across processes and machines (string.GetHashCode is not), so a reopened engine continues the same sequence.
    /// </summary>
    public static ulong ForPlayer(int engineSeed, string userId, long calls)
    {
        ulong hash = StableHash.AppendUtf16(StableHash.OffsetBasis, userId);
        return Derive(engineSeed, (long)(hash ^ (ulong)calls));
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => StableHash.ToUnitInterval(NextUInt64());
}
