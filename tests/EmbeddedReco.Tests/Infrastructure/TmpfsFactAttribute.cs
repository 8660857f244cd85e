using System.Diagnostics;

namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>
/// A fact that needs a real full disk: a small tmpfs mounted by the test, which needs Linux and root (CI runs as root). Elsewhere
/// the test is reported as skipped, with the reason.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public TmpfsFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux (tmpfs) to make a real full disk";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root to mount a small tmpfs as a full disk";
        }

        using var mount = Tmpfs.TryMount(64 * 1024);
        return mount is null ? "mounting a tmpfs failed (no CAP_SYS_ADMIN in this container?)" : null;
    }
}

/// <summary>A small tmpfs mounted on a fresh folder; unmounted and deleted on dispose.</summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static Tmpfs? TryMount(long bytes)
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "embeddedreco-tmpfs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        if (Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", dir) != 0)
        {
            Directory.Delete(dir);
            return null;
        }

        return new Tmpfs(dir);
    }

    /// <summary>Fills the remaining space with a file; returns its path (delete it to free the space).</summary>
    public string Fill()
    {
        string filler = System.IO.Path.Combine(Path, "filler.bin");
        using var stream = new FileStream(filler, FileMode.Create);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }

        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
