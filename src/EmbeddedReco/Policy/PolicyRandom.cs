using System.Runtime.CompilerServices;

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

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
