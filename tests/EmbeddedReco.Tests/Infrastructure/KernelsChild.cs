namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>
/// Runs the crash host's <c>kernels</c> mode (every scoring kernel checked against its scalar reference) in a child process with
/// hardware intrinsics switched on or off, so the paths a runtime without hardware vectors takes are tested for real.
/// </summary>
public static class KernelsChild
{
    /// <summary>Runs the child with <c>DOTNET_EnableHWIntrinsic</c> = <paramref name="enableHwIntrinsic"/>; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string enableHwIntrinsic)
    {
        string host = Storage.CrashTests.CrashHostPath();
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(host);
        psi.ArgumentList.Add("kernels");
        psi.Environment["DOTNET_EnableHWIntrinsic"] = enableHwIntrinsic;
        using var process = System.Diagnostics.Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
