using System.Diagnostics;

namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>Runs a program of this repository, built beside the test assembly, as a real child process (<c>dotnet program.dll</c>).</summary>
public static class ChildProgram
{
    /// <summary>
    /// The path of <paramref name="dll"/> built by the project in <paramref name="projectFolder"/> (relative to the repository root,
    /// e.g. "samples/EmbeddedReco.Demo") in the same configuration and framework as this test assembly.
    /// </summary>
    public static string BuiltPath(string projectFolder, string dll)
    {
        char sep = Path.DirectorySeparatorChar;
        string project = projectFolder.Replace('/', sep);
        string dir = AppContext.BaseDirectory.Replace($"{sep}tests{sep}EmbeddedReco.Tests{sep}", $"{sep}{project}{sep}", StringComparison.Ordinal);
        return Path.Combine(dir, dll);
    }

    /// <summary>
    /// Runs <c>dotnet <paramref name="program"/> <paramref name="args"/></c> in <paramref name="workingDirectory"/> (null: this
    /// process's), killed after two minutes; returns its exit code, standard output and standard error.
    /// </summary>
    public static (int ExitCode, string Output, string Error) Run(string program, string? workingDirectory, params string[] args)
    {
        Assert.True(File.Exists(program), $"{Path.GetFileName(program)} not built at {program}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        psi.ArgumentList.Add(program);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, output, error.GetAwaiter().GetResult());
    }
}
