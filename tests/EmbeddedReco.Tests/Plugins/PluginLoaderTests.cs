using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Plugins;

public class PluginLoaderTests
{
    private static RecoEngineOptions Options() => TestCatalog.Options(dimensions: 4);

    [Fact]
    public void LoadInto_RealPluginFolder_RegistersModulesFromTheirConfig()
    {
        var options = Options();

        var report = PluginLoader.LoadInto(options.Scorers, RepoPaths.Plugins);

        Assert.Empty(report.Skipped);
        Assert.Equal(new[] { "liveops.seasonal", "progression.gate" }, report.Loaded.Select(l => l.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(0.6, options.Scorers.Find("liveops.seasonal")!.Weight);
        Assert.Equal(ScoreNormalization.None, options.Scorers.Find("progression.gate")!.Normalization);
    }

    [Theory]
    [InlineData("2026-12-24T12:00:00Z", new[] { "shooter", "farm", "arena" })] // winter festival: cozy and farming boosted
    [InlineData("2026-06-01T12:00:00Z", new[] { "shooter", "arena", "farm" })] // no event running: the plugin abstains
    public void LoadInto_PluginScorers_ChangeRankingAndAppearInBreakdown(string now, string[] expected)
    {
        var clock = new TestClock(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        var options = TestCatalog.Options(dimensions: 4, clock: clock);
        PluginLoader.LoadInto(options.Scorers, RepoPaths.Plugins);
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(new[]
        {
            new ItemDefinition("shooter", new float[] { 1, 0, 0, 0 }, new[] { "action", "premium" }),
            new ItemDefinition("farm", new float[] { 0.9f, 0.43f, 0, 0 }, new[] { "cozy", "cheap" }),
            new ItemDefinition("arena", new float[] { 0.9f, 0, 0.4f, 0 }, new[] { "hardcore", "standard" }),
        });
        engine.Record(new Interaction("p", "shooter", InteractionKind.Click));

        var list = engine.Suggest("p");
        Assert.Equal(expected, list.Select(s => s.ItemId));
        var farm = list.Single(s => s.ItemId == "farm");
        Assert.Equal(expected[1] == "farm" ? 0.6f : 0f, farm.Breakdown!.Where(c => c.Scorer == "liveops.seasonal").Sum(c => c.Contribution), 4);

        // Coins 500 and level 3: the premium shooter is unaffordable, the hardcore arena locked below level 10.
        var poorLowLevel = engine.Suggest("p", new SuggestOptions { Context = new Dictionary<string, object?> { ["coins"] = 500, ["level"] = 3 } });
        Assert.Equal(new[] { "farm" }, poorLowLevel.Select(s => s.ItemId));
        Assert.Contains(poorLowLevel[0].Breakdown!, c => c.Scorer == "progression.gate");
    }

    [Fact]
    public void LoadInto_WrongContractVersion_IsSkippedWithReason()
    {
        var options = Options();

        var report = PluginLoader.LoadInto(options.Scorers, RepoPaths.TestPlugin("EmbeddedReco.TestPlugins.WrongContract"));

        Assert.Empty(report.Loaded);
        var skipped = Assert.Single(report.Skipped);
        Assert.Contains("contract 99", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(new ScorerCollection().Count, options.Scorers.Count);
    }

    [Fact]
    public void LoadInto_ConstructorThrows_OtherScorersStillLoad()
    {
        var options = Options();

        var report = PluginLoader.LoadInto(options.Scorers, RepoPaths.TestPlugin("EmbeddedReco.TestPlugins.Broken"));

        Assert.Equal(new[] { "test.derived", "test.even" }, report.Loaded.Select(l => l.Name).OrderBy(n => n, StringComparer.Ordinal));
        var skipped = Assert.Single(report.Skipped);
        Assert.Contains("ThrowingConstructorScorer", skipped.What, StringComparison.Ordinal);
        Assert.Contains("configuration missing", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadInto_MissingDependencyOrBadImage_SkippedNeverThrows()
    {
        using var folder = new TempFolder();
        string source = RepoPaths.TestPlugin("EmbeddedReco.TestPlugins.Broken");
        foreach (string file in Directory.GetFiles(source).Where(f => !f.Contains(".Dependency.", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        File.WriteAllBytes(folder.File("Garbage.dll"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        var options = Options();

        var report = PluginLoader.LoadInto(options.Scorers, folder.Path);

        Assert.Empty(report.Loaded);
        Assert.Contains(report.Skipped, s => s.What.EndsWith("Garbage.dll", StringComparison.Ordinal) && s.Reason.Contains("not a loadable", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.What.EndsWith("Broken.dll", StringComparison.Ordinal) && s.Reason.Contains("dependency is missing", StringComparison.Ordinal));
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(20, 4));
        Assert.Equal(10, engine.Suggest("p").Count);
    }

    [Fact]
    public void LoadInto_MissingFolder_ThrowsDirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => PluginLoader.LoadInto(Options().Scorers, Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
    }
}
