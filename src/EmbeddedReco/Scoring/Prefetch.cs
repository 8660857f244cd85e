using System.Runtime.CompilerServices;
#if NET
using System.Runtime.Intrinsics.X86;
#endif

namespace EmbeddedReco.Scoring;

/// <summary>
/// Software prefetch for the scan kernels: each step asks the memory system for the bytes <see cref="Distance"/> ahead of the rows
/// it scores (x86 <c>prefetcht0</c>, one per 64-byte line), so that after a game frame has evicted the caches the loads of the rows
/// ahead overlap the arithmetic on these. Measured on the reference VM (cold int8 scan of 100,000 x 64 codes): 0.90 -> 0.65 ms;
/// warm, no change (docs/PERFORMANCE.md). A prefetch changes no result and never faults. Not on Arm64 (.NET has no prefetch
/// intrinsic there) nor on the netstandard2.1 build: there it does nothing.
/// </summary>
internal static class Prefetch
{
    /// <summary>Bytes ahead of the current rows: 4 KB (2-16 KB measured alike; 1 KB was too short to hide a cold miss).</summary>
    public const int Distance = 4096;

    /// <summary>
    /// Prefetches the <paramref name="bytes"/> that start <see cref="Distance"/> bytes after <paramref name="current"/>, when
    /// they lie within the <paramref name="remaining"/> bytes left from <paramref name="current"/> (never past the data).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Ahead<T>(ref T current, int bytes, long remaining)
        where T : unmanaged
    {
#if NET
        if (Sse.IsSupported && remaining >= Distance + bytes)
        {
            byte* ahead = (byte*)Unsafe.AsPointer(ref current) + Distance; // only a hint: a stale address after a GC move is harmless
            for (int offset = 0; offset < bytes; offset += 64)
            {
                Sse.Prefetch0(ahead + offset);
            }
        }
#endif
    }
}
