using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Cli;

/// <summary>
/// The trainer's command line (src/EmbeddedReco.Cli, the `reco` tool) run as a real child process: keys, synthetic uploads, a
/// signed model a device then loads, and the bad command lines that must write nothing.
/// </summary>
public sealed class RecoCliTests
{
    [Fact]
    public void Train_SyntheticUploadsWithSigningKey_WritesASignedModelADeviceTrusts()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Reco(folder, "keygen", "--out", folder.File("build"), "--bits", "2048").ExitCode);
        Assert.Equal(0, Reco(folder, "synth", "--out", folder.File("synth"), "--events", "20000", "--items", "100", "--users", "400", "--files", "3").ExitCode);

        var train = Reco(folder, "train", "--events", folder.File(Path.Combine("synth", "events")), "--items", folder.File(Path.Combine("synth", "catalog.ersnap")),
            "--out", folder.File("model.ersnap"), "--sign-key", folder.File("build.private.pem"), "--algorithm", "ease");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("signed", train.Output, StringComparison.Ordinal);
        using var device = TestCatalog.InMemory(dimensions: 8);
        device.LoadSnapshot(folder.File("model.ersnap"), new SnapshotOptions { TrustedPublicKeys = new[] { File.ReadAllText(folder.File("build.public.pem")) } });
        Assert.Equal(100, device.ItemCount);
        Assert.True(device.LastTraining!.ModelItems > 50, $"{device.LastTraining.ModelItems} model items");
    }

    [Fact]
    public void KeyGen_KeyAlreadyThere_ExitsOneAndKeepsTheKey()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Reco(folder, "keygen", "--out", folder.File("build"), "--bits", "2048").ExitCode);
        string before = File.ReadAllText(folder.File("build.private.pem"));

        var again = Reco(folder, "keygen", "--out", folder.File("build"), "--bits", "2048");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("never overwrites a key", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(folder.File("build.private.pem")));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("keygen", "--bitz", "2048", "--out", "k")]
    [InlineData("keygen", "--out")]
    [InlineData("synth", "--out", "s", "--events", "many")]
    [InlineData("train", "--events", "e", "--items", "i", "--out", "m", "--algorithm", "als")]
    [InlineData("train", "--items", "i", "--out", "m")]
    public void Run_BadCommandLine_ExitsTwoAndWritesNothing(params string[] args)
    {
        using var folder = new TempFolder();

        var run = Reco(folder, args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("reco: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Train_OutIsAFileThatIsNotASnapshot_ExitsOneAndLeavesItAlone()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Reco(folder, "synth", "--out", folder.File("synth"), "--events", "5000", "--items", "60", "--users", "100", "--files", "1").ExitCode);
        File.WriteAllText(folder.File("notes.txt"), "release notes");

        var run = Reco(folder, "train", "--events", folder.File(Path.Combine("synth", "events")), "--items", folder.File(Path.Combine("synth", "catalog.ersnap")), "--out", folder.File("notes.txt"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not an EmbeddedReco snapshot", run.Error, StringComparison.Ordinal);
        Assert.Equal("release notes", File.ReadAllText(folder.File("notes.txt")));
    }

    /// <summary>Runs reco.dll (built beside this test assembly's configuration) in <paramref name="folder"/>.</summary>
    private static (int ExitCode, string Output, string Error) Reco(TempFolder folder, params string[] args) =>
        ChildProgram.Run(ChildProgram.BuiltPath("src/EmbeddedReco.Cli", "reco.dll"), folder.Path, args);
}
