using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Packaging;

/// <summary>
/// The Unity package (src/EmbeddedReco.Unity): its UPM manifest, asmdef, link.xml, sample and .meta files, and the DLL set its
/// build target places in Runtime/Plugins, which must be exactly the runtime assemblies NuGet resolves for the netstandard2.1
/// build, less System.Memory and System.Buffers (Unity 2021.2+ ships them).
/// </summary>
[Trait("Category", "Packaging")]
public sealed partial class UnityPackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string Package => Path.Combine(RepoPaths.Root, "src", "EmbeddedReco.Unity");

    [Fact]
    public void PackageJson_Manifest_HasUpmFieldsVersionAndSample()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Package, "package.json")));
        var root = json.RootElement;
        Assert.Matches(UpmName(), root.GetProperty("name").GetString()!);
        string props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        string version = XDocument.Parse(props).Descendants("Version").First().Value;
        Assert.Equal(version, root.GetProperty("version").GetString());
        Assert.Equal("2021.2", root.GetProperty("unity").GetString());
        Assert.Equal("MIT", root.GetProperty("license").GetString());
        string sample = root.GetProperty("samples")[0].GetProperty("path").GetString()!;
        Assert.True(Directory.Exists(Path.Combine(Package, sample)), sample);
    }

    [Fact]
    public void Layout_CommittedAssets_HaveMetaFilesAsmdefAndSample()
    {
        // Git-URL packages are immutable: Unity ignores an asset without a .meta. Folders ending in '~' and hidden files are not imported.
        foreach (string path in Directory.EnumerateFileSystemEntries(Package, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Package, path).Replace('\\', '/');
            if (relative.Split('/').Any(part => part.EndsWith('~') || part.StartsWith('.')) || relative.EndsWith(".meta", StringComparison.Ordinal)
                || relative.StartsWith("Runtime/Plugins/", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(File.Exists(path + ".meta"), relative + " has no .meta");
        }

        using var asmdef = JsonDocument.Parse(File.ReadAllText(Path.Combine(Package, "Runtime", "EmbeddedReco.Unity.asmdef")));
        Assert.Equal("EmbeddedReco.Unity", asmdef.RootElement.GetProperty("name").GetString());
        Assert.Contains("EmbeddedReco.dll", asmdef.RootElement.GetProperty("precompiledReferences").EnumerateArray().Select(e => e.GetString()));

        string shop = File.ReadAllText(Path.Combine(Package, "Samples~", "Shop", "ShopShelf.cs"));
        foreach (string expected in new[] { ": MonoBehaviour", "Suggest(", "InteractionKind.Click", "InteractionKind.Purchase", "OnApplicationPause", "OnApplicationQuit", "Flush()" })
        {
            Assert.Contains(expected, shop, StringComparison.Ordinal);
        }

        Assert.Contains("Application.persistentDataPath", File.ReadAllText(Path.Combine(Package, "Runtime", "RecoEngineUnity.cs")), StringComparison.Ordinal);
        Assert.Contains("Runtime/Plugins/", File.ReadAllText(Path.Combine(Package, ".gitignore")), StringComparison.Ordinal);
    }

    [Fact]
    public void LinkXml_Stripping_PreservesLiteDbAndMessagePack()
    {
        var linker = XDocument.Load(Path.Combine(Package, "Runtime", "link.xml")).Root!;
        Assert.Equal("linker", linker.Name.LocalName);
        var preserved = linker.Elements("assembly").Where(a => (string?)a.Attribute("preserve") == "all").Select(a => (string)a.Attribute("fullname")!).ToList();
        Assert.Contains("LiteDB", preserved);
        Assert.Contains("MessagePack", preserved);
    }

    [Fact]
    public void BuildTarget_Plugins_ExactlyTheNetstandardRuntimeSetLessUnityProvided()
    {
        using var temp = new TempFolder();
        string plugins = Path.Combine(temp.Path, "Plugins");
        string project = Path.Combine(Package, "Build~", "EmbeddedReco.Unity.Build.csproj");
        var (code, log) = DotnetCli.Run(RepoPaths.Root, TimeSpan.FromMinutes(5), "build", project, "-c", Configuration, "-nologo",
            "-p:BuildProjectReferences=false", "-p:UnityPluginsDir=" + plugins);
        Assert.True(code == 0, "needs the library's netstandard2.1 build (dotnet build EmbeddedReco.sln, as .ci/run does)\n" + log);

        var placed = Directory.GetFiles(plugins, "*.dll").Select(p => Path.GetFileName(p)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(NetstandardRuntimeSet().ToList(), placed);
        Assert.DoesNotContain("System.Memory.dll", placed);
        Assert.DoesNotContain("System.Buffers.dll", placed);
        Assert.True(File.Exists(Path.Combine(plugins, "EmbeddedReco.xml")), "XML docs for IntelliSense");

        var guids = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dll in placed)
        {
            string meta = File.ReadAllText(Path.Combine(plugins, dll + ".meta"));
            Assert.Contains("PluginImporter:", meta, StringComparison.Ordinal);
            Assert.Contains("isOverridable: 1", meta, StringComparison.Ordinal);
            Assert.True(guids.Add(MetaGuid().Match(meta).Groups[1].Value), dll + " has a unique 32-hex GUID");
        }
    }

    /// <summary>EmbeddedReco.dll plus every package runtime assembly of the netstandard2.1 target in the library's restore output.</summary>
    private static IEnumerable<string> NetstandardRuntimeSet()
    {
        string assets = Path.Combine(RepoPaths.Root, "src", "EmbeddedReco", "obj", "project.assets.json");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var targets = json.RootElement.GetProperty("targets");
        var target = targets.TryGetProperty("netstandard2.1", out var alias) ? alias : targets.GetProperty(".NETStandard,Version=v2.1");
        var set = new SortedSet<string>(StringComparer.Ordinal) { "EmbeddedReco.dll" };
        foreach (var library in target.EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() == "package" && library.Value.TryGetProperty("runtime", out var runtime))
            {
                foreach (var file in runtime.EnumerateObject())
                {
                    string name = Path.GetFileName(file.Name);
                    if (name.EndsWith(".dll", StringComparison.Ordinal))
                    {
                        set.Add(name);
                    }
                }
            }
        }

        set.Remove("System.Memory.dll");
        set.Remove("System.Buffers.dll");
        return set;
    }

    [GeneratedRegex("^com\\.[a-z0-9-]+\\.[a-z0-9.-]+$")]
    private static partial Regex UpmName();

    [GeneratedRegex("guid: ([0-9a-f]{32})\\n")]
    private static partial Regex MetaGuid();
}
