using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>Kills a real child process that writes through the engine and checks every acknowledged write survived.</summary>
public class CrashTests
{
    internal static string CrashHostPath()
    {
        string baseDir = AppContext.BaseDirectory;
        string hostDir = baseDir.Replace(
            Path.DirectorySeparatorChar + "EmbeddedReco.Tests" + Path.DirectorySeparatorChar,
            Path.DirectorySeparatorChar + "EmbeddedReco.CrashHost" + Path.DirectorySeparatorChar,
            StringComparison.Ordinal);
        return Path.Combine(hostDir, "EmbeddedReco.CrashHost.dll");
    }

    [Theory]
    [InlineData(1, 150)]
    [InlineData(2, 400)]
    [InlineData(3, 900)]
    public void Kill_DuringWrites_EveryAcknowledgedInteractionSurvivesAndFileOpens(int round, int killAfterMs)
    {
        string host = CrashHostPath();
        Assert.True(File.Exists(host), $"crash host not built at {host}");
        using var folder = new TempFolder();
        string path = folder.File($"crash-{round}.db");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(host);
        psi.ArgumentList.Add(path);
        psi.ArgumentList.Add("8");

        long acknowledged = 0;
        using (var process = Process.Start(psi)!)
        {
            Assert.Equal("ready", process.StandardOutput.ReadLine());
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < killAfterMs)
            {
                string? line = process.StandardOutput.ReadLine();
                if (line is null)
                {
                    break;
                }

                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acknowledged = long.Parse(line.AsSpan(4));
                }
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.True(acknowledged > 0, "the child acknowledged no flush before the kill");
        using var engine = RecoEngine.Open(TestCatalog.Options(path, dimensions: 8));
        Assert.Equal(50, engine.ItemCount);
        long profiled = Enumerable.Range(0, 7).Sum(u => engine.GetProfile($"user-{u}")?.InteractionCount ?? 0);
        Assert.True(profiled >= acknowledged, $"profiles count {profiled} < acknowledged {acknowledged}");
        engine.Dispose();
        Assert.True(StorageInspector.CountInteractions(path) >= acknowledged);
    }
}
