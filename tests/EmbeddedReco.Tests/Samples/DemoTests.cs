using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Samples;

/// <summary>
/// Runs the README's first command (the console demo's walk-through, samples/EmbeddedReco.Demo) as a real child process on a
/// throw-away database and checks that every claim it printed was checked by the demo and held.
/// </summary>
public sealed class DemoTests : IClassFixture<DemoTests.DemoRun>
{
    private readonly DemoRun _run;

    public DemoTests(DemoRun run) => _run = run;

    [Fact]
    public void Walkthrough_FreshDatabase_ExitsZeroAndEveryClaimHolds()
    {
        Assert.True(_run.ExitCode == 0, $"exit code {_run.ExitCode}\n{_run.Output}\n{_run.Error}");
        Assert.DoesNotContain("[FALSE]", _run.Output, StringComparison.Ordinal);
        int claims = _run.Lines.Count(l => l.TrimStart().StartsWith("[ok] ", StringComparison.Ordinal));
        Assert.True(claims >= 20, $"only {claims} checked claims\n{_run.Output}");
        Assert.Contains($"self-checks: {claims} of {claims} true", _run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Walkthrough_FreshDatabase_ShowsEverySectionWithItsEvidence()
    {
        string[] expected =
        {
            "1. Cold start",
            "re-ranked by MMR diversity",
            "pop rank",
            "2. One session, then a personalized shelf",
            "why #1",
            "[ok] the breakdown of #1 sums to its score",
            "3. Diversity",
            "distinct tags:",
            "4. Exploration",
            "Explore slot:",
            "[ok] every greedy slot reports propensity 1 - epsilon",
            "5. Close the engine, reopen the file",
            "[ok] the reopened engine shows exactly the list the never-closed engine would have shown next",
            "[ok] the profile survives",
            "[ok] the recent-list memory survived",
        };
        foreach (string text in expected)
        {
            Assert.Contains(text, _run.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("after reopening: the same list", _run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Walkthrough_FreshDatabase_ExploreSlotAndItsPropensityPrinted()
    {
        string slot = Assert.Single(_run.Lines, l => l.Contains("Explore slot:", StringComparison.Ordinal));
        Assert.Contains("propensity 0.", slot, StringComparison.Ordinal);
        Assert.Contains(_run.Lines, l => l.Contains(" Explore ", StringComparison.Ordinal) && l.Contains("propensity", StringComparison.Ordinal));
    }

    /// <summary>One run of the demo, shared by the tests of this class.</summary>
    public sealed class DemoRun : IDisposable
    {
        private readonly TempFolder _folder = new();

        public DemoRun()
        {
            (ExitCode, Output, Error) = ChildProgram.Run(
                ChildProgram.BuiltPath("samples/EmbeddedReco.Demo", "EmbeddedReco.Demo.dll"),
                null,
                "--db",
                _folder.File(Path.Combine("nested", "demo.db")));
            Lines = Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        }

        public string Output { get; }

        public string Error { get; }

        public int ExitCode { get; }

        public string[] Lines { get; }

        public void Dispose() => _folder.Dispose();
    }
}
