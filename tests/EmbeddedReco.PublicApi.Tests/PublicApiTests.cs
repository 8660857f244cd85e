using System.Reflection;
using System.Runtime.Loader;
using PublicApiGenerator;
using Snapshooter.Xunit;

namespace EmbeddedReco.PublicApi.Tests;

public class PublicApiTests
{
    private static readonly ApiGeneratorOptions Options = new()
    {
        IncludeAssemblyAttributes = false,
        ExcludeAttributes = new[] { "System.Runtime.CompilerServices.NullableContextAttribute", "System.Runtime.CompilerServices.NullableAttribute" },
    };

    /// <summary>
    /// Pins the public surface of the net10.0 build: an accidental API change fails here. After an intended change, delete
    /// __snapshots__/PublicApiTests.PublicApi_NetBuild_MatchesApprovedSnapshot.snap, run the test, review and commit the new file.
    /// </summary>
    [Fact]
    public void PublicApi_NetBuild_MatchesApprovedSnapshot()
    {
        Snapshot.Match(Lines(NetApi()));
    }

    /// <summary>
    /// Pins the public surface of the netstandard2.1 build (the DLL Unity gets), loaded from netstandard2.1/EmbeddedReco.dll in
    /// the test output (copied there by the project file). Regenerate like the net10.0 snapshot.
    /// </summary>
    [Fact]
    public void PublicApi_NetStandardBuild_MatchesApprovedSnapshot()
    {
        Snapshot.Match(Lines(NetStandardApi()));
    }

    /// <summary>The core has one public surface: the netstandard2.1 and net10.0 builds declare the same public API.</summary>
    [Fact]
    public void PublicApi_NetStandardAndNetBuilds_AreIdentical()
    {
        Assert.Equal(Lines(NetApi()), Lines(NetStandardApi()));
    }

    private static string NetApi() => typeof(RecoEngine).Assembly.GeneratePublicApi(Options);

    private static string NetStandardApi()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "netstandard2.1", "EmbeddedReco.dll");
        Assert.True(File.Exists(path), $"The netstandard2.1 build of the core is missing at {path}.");
        var context = new AssemblyLoadContext("netstandard2.1 core", isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromAssemblyPath(path);
            return assembly.GeneratePublicApi(Options);
        }
        finally
        {
            context.Unload();
        }
    }

    private static string[] Lines(string api) => api.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
