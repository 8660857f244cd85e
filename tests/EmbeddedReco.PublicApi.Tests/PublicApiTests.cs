using PublicApiGenerator;
using Snapshooter.Xunit;

namespace EmbeddedReco.PublicApi.Tests;

public class PublicApiTests
{
    /// <summary>
    /// Pins the public surface of the net10.0 build: an accidental API change fails here. After an intended change, delete
    /// __snapshots__/PublicApiTests.PublicApi_NetBuild_MatchesApprovedSnapshot.snap, run the test, review and commit the new file.
    /// </summary>
    [Fact]
    public void PublicApi_NetBuild_MatchesApprovedSnapshot()
    {
        string api = typeof(RecoEngine).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            ExcludeAttributes = new[] { "System.Runtime.CompilerServices.NullableContextAttribute", "System.Runtime.CompilerServices.NullableAttribute" },
        });

        Snapshot.Match(api.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'));
    }
}
