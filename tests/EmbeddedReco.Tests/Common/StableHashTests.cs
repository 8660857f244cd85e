using EmbeddedReco.Common;
using EmbeddedReco.Policy;

namespace EmbeddedReco.Tests.Common;

/// <summary>
/// Pins the stable hashes behind persisted contracts (values computed on the code before the hashes were merged): experiment
/// assignment (FNV-1a 64 of UTF-8, fmix64, top 53 bits) and the per-player seed streams (FNV-1a 64 of UTF-16 code units).
/// </summary>
public class StableHashTests
{
    [Theory]
    [InlineData("shop", "player-1", 0x883f4e9dfa74082eUL)]
    [InlineData("exp", "h\u00e9llo\U0001F600", 0x280dd5abd2b23142UL)]
    [InlineData("", "", 0xaf63c74c8601c8ddUL)]
    public void Fnv1a64_KnownPairs_KnownValues(string first, string second, ulong expected)
    {
        Assert.Equal(expected, StableHash.Fnv1a64Utf8(first, second));
    }

    [Theory]
    [InlineData("shop", "player-1", 0.9293242162126766)]
    [InlineData("exp", "h\u00e9llo\U0001F600", 0.5625884378850099)]
    public void Bucket_KnownPairs_KnownValues(string experiment, string user, double expected)
    {
        Assert.Equal(expected, Experiment.Bucket(experiment, user));
    }

    [Theory]
    [InlineData(1234, "player-07", 3L, 0x65ddc39aaa351d68UL)]
    [InlineData(0, "", 0L, 0x0a20db84c37c1911UL)]
    [InlineData(-5, "h\u00e9llo\u2713\U0001F600", 17L, 0x62d3686987fa9860UL)]
    public void ForPlayer_KnownPlayers_KnownSeeds(int engineSeed, string userId, long calls, ulong expected)
    {
        Assert.Equal(expected, PolicyRandom.ForPlayer(engineSeed, userId, calls));
    }

    [Fact]
    public void Derive_KnownSeed_KnownValue()
    {
        Assert.Equal(0x76c3cacaac14bcaeUL, PolicyRandom.Derive(99, 0));
    }
}
