namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>
/// Measures what code allocates on the calling thread, for the zero-allocation tests, counting only windows in which no garbage
/// collection ran.
/// </summary>
/// <remarks>
/// Why: a GC that suspends this thread (triggered by another thread, e.g. a test running in parallel) can move
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> by up to one allocation quantum (about 8 KB) although this thread allocated
/// nothing. Measured on .NET 10: a thread running only a float loop while two other threads allocated saw 52 such jumps in 1,179
/// windows, every one of them in a window during which <see cref="GC.GetTotalPauseDuration"/> grew, none in the other windows.
/// A window with a GC says nothing about the code under test, so it is measured again; the result of the clean windows is exact
/// (no threshold), and code that allocates in steady state allocates in clean windows too.
/// </remarks>
public static class AllocationMeter
{
    /// <summary>
    /// Runs <paramref name="call"/> in windows of <paramref name="windowCalls"/> calls until <paramref name="cleanCalls"/> calls ran
    /// in windows without a GC, and returns the bytes those windows allocated on this thread (0 for allocation-free code).
    /// </summary>
    /// <exception cref="InvalidOperationException">More than <paramref name="maxWindows"/> windows were needed.</exception>
    public static long SteadyStateBytes(Action call, int cleanCalls = 50, int windowCalls = 10, int maxWindows = 500)
    {
        long bytes = 0, disturbedBytes = 0;
        int clean = 0, windows = 0;
        while (clean < cleanCalls)
        {
            if (++windows > maxWindows)
            {
                throw new InvalidOperationException(
                    $"Only {clean} of {cleanCalls} calls ran in windows without a GC after {maxWindows} windows (the windows with a GC allocated {disturbedBytes} bytes).");
            }

            var pauses = GC.GetTotalPauseDuration();
            int collections = GC.CollectionCount(0) + GC.CollectionCount(2);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < windowCalls; i++)
            {
                call();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (GC.GetTotalPauseDuration() != pauses || GC.CollectionCount(0) + GC.CollectionCount(2) != collections)
            {
                disturbedBytes += allocated;
                continue;
            }

            bytes += allocated;
            clean += windowCalls;
        }

        return bytes;
    }
}
