using System.Diagnostics;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>One engine per database file: in this process or another, by any path that names the same file.</summary>
public class FileLockTests
{
    [Fact]
    public void Open_SamePathTwice_SecondThrowsStorageOpenFailedAndFirstKeepsWorking()
    {
        using var folder = new TempFolder();
        string path = folder.File("once.db");
        using var first = RecoEngine.Open(TestCatalog.Options(path));
        first.UpsertItems(TestCatalog.Random(3, 8));
        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path)));
        Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
        Assert.Contains("already open", ex.Message, StringComparison.Ordinal);
        first.Record(new Interaction("p", "item-0001", InteractionKind.Like));
        first.Flush();
        Assert.True(File.Exists(path + ".lock"), "a refused opener must not delete the holder's lock file");
    }

    [Fact]
    public void Open_AnotherSpellingOfTheSamePath_IsRefused()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("sub"));
        string path = folder.File("spelled.db");
        using var first = RecoEngine.Open(TestCatalog.Options(path));
        string other = Path.Combine(folder.Path, "sub", "..", ".", "spelled.db");
        var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(other)));
        Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
    }

    [Fact]
    public void Open_HardLinkToAnOpenDatabase_IsRefusedAndTheFileStaysSound()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // hard links through ln: the POSIX platforms the engine ships on
        }

        using var folder = new TempFolder();
        string path = folder.File("linked.db");
        string link = folder.File("alias.db");
        using (var first = RecoEngine.Open(TestCatalog.Options(path)))
        {
            first.UpsertItems(TestCatalog.Random(10, 8));
            first.Flush();
            using (var ln = Process.Start("ln", new[] { path, link }))
            {
                ln.WaitForExit();
                Assert.Equal(0, ln.ExitCode);
            }

            var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(link)));
            Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
            first.Record(new Interaction("p", "item-0001", InteractionKind.Like));
        }

        using var reopened = RecoEngine.Open(TestCatalog.Options(link));
        Assert.Equal(10, reopened.ItemCount);
        Assert.Equal(1, reopened.GetProfile("p")!.InteractionCount);
    }

    [Fact]
    public void Open_DatabaseHeldByAnotherProcess_IsRefusedUntilThatProcessDies()
    {
        using var folder = new TempFolder();
        string path = folder.File("held.db");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(CrashTests.CrashHostPath());
        psi.ArgumentList.Add(path);
        psi.ArgumentList.Add("8");
        using (var child = Process.Start(psi)!)
        {
            try
            {
                Assert.Equal("ready", child.StandardOutput.ReadLine());
                var ex = Assert.Throws<RecoException>(() => RecoEngine.Open(TestCatalog.Options(path)));
                Assert.Equal(RecoErrorCode.StorageOpenFailed, ex.Code);
                Assert.True(File.Exists(path + ".lock"));
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
            }
        }

        using var engine = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Equal(50, engine.ItemCount);
    }

    [Fact]
    public void Open_AfterDispose_SucceedsAgainInTheSameProcess()
    {
        using var folder = new TempFolder();
        string path = folder.File("again.db");
        for (int i = 0; i < 3; i++)
        {
            using var engine = RecoEngine.Open(TestCatalog.Options(path));
            engine.Record(new Interaction("p", "x", InteractionKind.Click));
        }

        using var last = RecoEngine.Open(TestCatalog.Options(path));
        Assert.Equal(3, last.GetProfile("p")!.InteractionCount);
    }
}
