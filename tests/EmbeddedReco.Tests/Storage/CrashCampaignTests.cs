using EmbeddedReco.Crash;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Storage;

/// <summary>
/// A small kill -9 crash campaign (the full one: tests/EmbeddedReco.CrashCampaign, docs/RELIABILITY.md): a few kills per workload
/// mode on one database, each followed by a reopen that checks nothing acknowledged was lost, nothing was logged twice, every
/// batch is all-or-nothing and the file opens. The same runner and verifier as the campaign.
/// </summary>
public class CrashCampaignTests
{
    [Theory]
    [InlineData(CrashProtocol.Record, 3)]
    [InlineData(CrashProtocol.Forget, 3)]
    [InlineData(CrashProtocol.SnapshotSave, 2)]
    [InlineData(CrashProtocol.SnapshotLoad, 2)]
    [InlineData(CrashProtocol.Upsert, 2)]
    [InlineData(CrashProtocol.Mixed, 3)]
    public void Campaign_KillsDuringMode_EveryInvariantHolds(string mode, int kills)
    {
        using var folder = new TempFolder();
        var result = Campaign.Run(new CampaignOptions
        {
            Kills = kills,
            Seed = 11,
            Modes = new[] { mode },
            KillsPerDatabase = kills,
            MaxDelayMs = 600,
            HostPath = CrashTests.CrashHostPath(),
            WorkFolder = folder.Path,
        });

        Assert.Equal(kills, result.Kills);
        Assert.True(result.Ok, result.Summary + Environment.NewLine + string.Join(Environment.NewLine, result.Failures.Take(5)));
    }
}
