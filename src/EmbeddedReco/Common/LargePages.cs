using System;
using System.Runtime.InteropServices;
using System.Threading;
#if NET
using System.Runtime.CompilerServices;
#endif

namespace EmbeddedReco.Common;

/// <summary>
/// Arrays that a <c>Suggest</c> reads on every call (the catalog's int8 codes, scanned from end to end, and its float32 rows, read
/// by the float32 scan and by the rescoring of the candidates), placed where the OS can back them with 2 MB pages: one address
/// translation per 2 MB instead of one per 4 KB. After the rest of a game frame has evicted the caches, a read of 4 KB pages pays
/// a page walk every 4 KB (on a virtual machine, a nested one). Measured on the reference VM (docs/PERFORMANCE.md): a cold scan of
/// 100,000 x 64 int8 codes took 0.62 ms in 2 MB pages against 0.72 ms in 4 KB pages.
/// </summary>
/// <remarks>
/// On Linux (net10.0) an array of at least <see cref="MinBytes"/> is allocated pinned (it never moves, so its placement holds) and
/// its whole 2 MB pages are advised with <c>madvise(MADV_HUGEPAGE)</c> as soon as it is allocated, so the kernel's transparent huge
/// pages back them when they are enabled in <c>madvise</c> or <c>always</c> mode (the common default): memory the runtime has not
/// touched yet is faulted in as large pages when the rows are written, memory it reused is collapsed later by the kernel. <see cref="Allocate{T}"/>
/// also starts the data on a 2 MB boundary (at most 2 MB of address space more). Best effort and invisible to callers: where the
/// advice is refused or not available (Windows, macOS, Mono and IL2CPP on the netstandard2.1 build, a kernel without transparent
/// huge pages) the array is an ordinary one.
/// </remarks>
internal static class LargePages
{
    /// <summary>The page size advised for: 2 MB (x64 and Arm64 Linux).</summary>
    public const int PageBytes = 2 << 20;

    /// <summary>Arrays smaller than this are ordinary arrays: two large pages at least, or the alignment room would not pay.</summary>
    public const int MinBytes = 2 * PageBytes;

    private const int MadvHugePage = 14; // MADV_HUGEPAGE, the same value on every Linux architecture

    private static int s_unavailable = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? 0 : 1;

    /// <summary>Arrays allocated with their data advised for large pages (for tests and diagnostics).</summary>
    internal static int Advised;

    /// <summary>
    /// Whether arrays are placed for large pages at all (true until an advice is refused; Linux only). Tests and the benchmarks set
    /// it to compare both placements; the engine never does.
    /// </summary>
    internal static bool Enabled
    {
        get => Volatile.Read(ref s_unavailable) == 0;
        set => Volatile.Write(ref s_unavailable, value && RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? 0 : 1);
    }

    /// <summary>
    /// An array holding at least <paramref name="length"/> elements from <paramref name="offset"/> on, whose data from there starts
    /// on a 2 MB boundary and is advised for large pages where that is possible (see the class). Uninitialized where advised (the
    /// caller writes every element it reads); zeroed otherwise.
    /// </summary>
    public static T[] Allocate<T>(int length, out int offset)
        where T : unmanaged
    {
        offset = 0;
#if NET
        int size = Unsafe.SizeOf<T>();
        if ((long)length * size < MinBytes || Volatile.Read(ref s_unavailable) != 0 || PageBytes % size != 0)
        {
            return new T[length];
        }

        int room = PageBytes / size;
        if (length > Array.MaxLength - room)
        {
            return new T[length];
        }

        var array = GC.AllocateUninitializedArray<T>(length + room, pinned: true);
        long start = DataAddress(array);
        offset = (int)((RoundUp(start) - start) / size);
        AdviseWholePages(start, (long)(offset + length) * size); // refused: still a correct (pinned) array
        return array;
#else
        return new T[length];
#endif
    }

    /// <summary>
    /// An array of exactly <paramref name="length"/> elements (zeroed), pinned, whose whole 2 MB pages are advised for large pages
    /// where that is possible: for arrays that must keep offset 0 (the catalog's float32 rows, which many readers index).
    /// </summary>
    public static T[] AllocateInPlace<T>(int length)
        where T : unmanaged
    {
#if NET
        int size = Unsafe.SizeOf<T>();
        if ((long)length * size < MinBytes || Volatile.Read(ref s_unavailable) != 0)
        {
            return new T[length];
        }

        var array = GC.AllocateArray<T>(length, pinned: true);
        AdviseWholePages(DataAddress(array), (long)length * size);
        return array;
#else
        return new T[length];
#endif
    }

#if NET
    /// <summary>The address of a pinned array's first element.</summary>
    private static unsafe long DataAddress<T>(T[] array) => (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));

    private static long RoundUp(long address) => (address + PageBytes - 1) & ~(long)(PageBytes - 1);

    /// <summary>Advises the whole 2 MB pages within [start, start + bytes) (the partial pages at the ends stay 4 KB); counts it.</summary>
    private static void AdviseWholePages(long start, long bytes)
    {
        long aligned = RoundUp(start);
        long end = (start + bytes) & ~(long)(PageBytes - 1);
        if (end > aligned && Advise(aligned, end - aligned))
        {
            Interlocked.Increment(ref Advised);
        }
    }

    private static bool Advise(long address, long bytes)
    {
        try
        {
            if (NativeMethods.madvise((nint)address, (nuint)bytes, MadvHugePage) == 0)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException || ex is MarshalDirectiveException || ex is NotSupportedException)
        {
            // No libc madvise here: ordinary pages from now on.
        }

        Volatile.Write(ref s_unavailable, 1); // refused (transparent huge pages off, a sandbox) or missing: do not ask again
        return false;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
        public static extern int madvise(nint address, nuint length, int advice);
    }
#endif
}
