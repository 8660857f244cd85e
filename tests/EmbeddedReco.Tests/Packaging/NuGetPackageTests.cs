using System.IO.Compression;
using System.Xml.Linq;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Packaging;

/// <summary>
/// The NuGet package as a consumer gets it: packed from this build (no rebuild), restored by a fresh console app from a local
/// folder feed added beside the machine's sources (none cleared), and run. Runs in the default test run, so in CI.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class NuGetPackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Pack_CoreLibrary_HasReadmeLicenceRepositoryDocsAndSymbols()
    {
        using var temp = new TempFolder();
        string version = UniqueVersion();
        string nupkg = Pack(temp.Path, version);

        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (string tfm in new[] { "netstandard2.1", "net10.0" })
            {
                Assert.Contains($"lib/{tfm}/EmbeddedReco.dll", names);
                Assert.Contains($"lib/{tfm}/EmbeddedReco.xml", names);
            }

            Assert.Contains("README.md", names);
            XNamespace ns = XDocument.Load(zip.GetEntry("EmbeddedReco.nuspec")!.Open()).Root!.Name.Namespace;
            var metadata = XDocument.Load(zip.GetEntry("EmbeddedReco.nuspec")!.Open()).Root!.Element(ns + "metadata")!;
            var license = metadata.Element(ns + "license")!;
            Assert.Equal("expression", (string?)license.Attribute("type"));
            Assert.Equal("MIT", license.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.Equal("git", (string?)metadata.Element(ns + "repository")!.Attribute("type"));
            var netstandard = metadata.Element(ns + "dependencies")!.Elements(ns + "group")
                .Single(g => (string?)g.Attribute("targetFramework") == ".NETStandard2.1");
            var dependencies = netstandard.Elements(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
            Assert.Equal(
                new[] { "LiteDB", "MessagePack", "Microsoft.Extensions.Logging.Abstractions", "System.IO.Hashing", "System.Numerics.Tensors" },
                dependencies.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.DoesNotContain(dependencies.Keys, id => id is "System.Memory" or "System.Buffers");
        }

        string snupkg = Path.ChangeExtension(nupkg, ".snupkg");
        Assert.True(File.Exists(snupkg), "symbols package " + snupkg);
        using (var symbols = ZipFile.OpenRead(snupkg))
        {
            Assert.Contains(symbols.Entries, e => e.FullName == "lib/netstandard2.1/EmbeddedReco.pdb");
            Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/EmbeddedReco.pdb");
        }
    }

    [Fact]
    public void Restore_FreshConsoleFromLocalFeed_RunsEngine()
    {
        using var temp = new TempFolder();
        string version = UniqueVersion();
        string feed = Path.Combine(temp.Path, "feed");
        Pack(feed, version);

        string app = Path.Combine(temp.Path, "app");
        Directory.CreateDirectory(app);
        // Packages restore into the app's own folder (the fresh package never lands in the machine's cache); the machine's cache is
        // a fallback folder, so dependencies already on this machine are not downloaded again. Sources are added, never cleared.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="embeddedreco-local" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine-cache" value="{MachinePackagesFolder()}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{Path.Combine(app, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="EmbeddedReco" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System;
            using EmbeddedReco;

            using (var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = args[0], Dimensions = 4 }))
            {
                engine.UpsertItems(new[]
                {
                    new ItemDefinition("sword", new float[] { 1, 0, 0, 0 }, new[] { "weapon" }),
                    new ItemDefinition("axe", new float[] { 0.9f, 0.1f, 0, 0 }, new[] { "weapon" }),
                    new ItemDefinition("hat", new float[] { 0, 0, 1, 0 }, new[] { "cosmetic" }),
                });
                engine.Record(new Interaction("player", "sword", InteractionKind.Purchase));
                engine.Flush();
            }

            using (var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = args[0], Dimensions = 4 }))
            {
                var list = engine.Suggest("player", new SuggestOptions { Count = 1, Epsilon = 0 });
                Console.WriteLine("PACKAGE OK " + engine.ItemCount + " " + list[0].ItemId);
            }
            """);

        var (code, output) = DotnetCli.Run(app, Timeout, "run", "-c", "Release", "--", Path.Combine(temp.Path, "app.db"));

        Assert.True(code == 0, output);
        Assert.Contains("PACKAGE OK 3 axe", output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(app, "packages", "embeddedreco", version)), "EmbeddedReco came from the local feed\n" + output);
    }

    /// <summary>Packs src/EmbeddedReco from this test run's build (no rebuild) into <paramref name="output"/>.</summary>
    private static string Pack(string output, string version)
    {
        string project = Path.Combine(RepoPaths.Root, "src", "EmbeddedReco", "EmbeddedReco.csproj");
        var (code, log) = DotnetCli.Run(RepoPaths.Root, Timeout, "pack", project, "--no-build", "-c", Configuration, "-o", output,
            "-p:PackageVersion=" + version, "-nologo");
        Assert.True(code == 0, "dotnet pack --no-build needs both target frameworks built (dotnet build EmbeddedReco.sln, as .ci/run does)\n" + log);
        string nupkg = Path.Combine(output, $"EmbeddedReco.{version}.nupkg");
        Assert.True(File.Exists(nupkg), log);
        return nupkg;
    }

    /// <summary>A version no cache has seen, so a stale copy of the package can never be restored instead of this build's.</summary>
    private static string UniqueVersion() => "0.0.0-test" + Guid.NewGuid().ToString("N")[..12];

    private static string MachinePackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
