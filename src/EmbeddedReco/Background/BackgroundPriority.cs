using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace EmbeddedReco.Background;

/// <summary>
/// Lowers the calling thread below the game's threads, so that training yields the cores to the game loop whenever both want
/// them: <see cref="ThreadPriority.BelowNormal"/> (honoured by Windows, macOS and Mono where the OS allows it), and on Linux and
/// Android, where .NET ignores thread priorities, a nice value of <see cref="Nice"/> for this thread only
/// (<c>setpriority(PRIO_PROCESS, 0, ...)</c> applies to the calling thread on Linux). Best effort: a platform without either
/// leaves the thread as it was.
/// </summary>
internal static class BackgroundPriority
{
    /// <summary>The Linux nice value of a background thread (0 is the default; 19 the lowest). A nice-10 thread gets about a tenth
    /// of a core that a nice-0 thread also wants.</summary>
    public const int Nice = 10;

    private const int PrioProcess = 0;
    private static int s_niceUnavailable;

    /// <summary>Lowers the calling thread (see the class).</summary>
    public static void LowerCurrentThread()
    {
        try
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
        catch (Exception ex) when (ex is ThreadStateException || ex is PlatformNotSupportedException || ex is NotSupportedException)
        {
            // A runtime without thread priorities: the nice value below still applies on Linux.
        }

        if (Volatile.Read(ref s_niceUnavailable) != 0 || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return;
        }

        try
        {
            if (NativeMethods.setpriority(PrioProcess, 0, Nice) != 0)
            {
                Volatile.Write(ref s_niceUnavailable, 1); // refused (a sandbox): do not ask again
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException || ex is MarshalDirectiveException || ex is NotSupportedException)
        {
            Volatile.Write(ref s_niceUnavailable, 1);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        public static extern int setpriority(int which, int who, int prio);
    }
}
