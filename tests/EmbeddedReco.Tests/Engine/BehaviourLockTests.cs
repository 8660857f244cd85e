using System.Globalization;
using System.Text;
using EmbeddedReco.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace EmbeddedReco.Tests.Engine;

/// <summary>
/// Locks the engine's observable behaviour: a fixed, seeded scenario through the public API whose every list (ids, scores,
/// sources, propensities, variants, breakdowns) must match the stored snapshot bit for bit. A restructuring that changes any
/// value fails here; regenerate the snapshot only for an intended behaviour change.
/// </summary>
public class BehaviourLockTests
{
    private const int Dimensions = 16;

    private static readonly InteractionKind[] Kinds = (InteractionKind[])Enum.GetValues(typeof(InteractionKind));

    [Fact]
    public void Suggest_FixedSeededScenario_MatchesStoredLists()
    {
        Snapshot.Match(RunScenario());
    }

    [Fact]
    public void Suggest_FixedSeededScenario_SameOutputOnEveryRun()
    {
        Assert.Equal(RunScenario(), RunScenario());
    }

    private static List<string> RunScenario()
    {
        var clock = new TestClock();
        var options = TestCatalog.Options(dimensions: Dimensions, clock: clock, pure: false);
        options.Precision = ScoringPrecision.Float32; // bit for bit; the int8 scan is held to the exactness tests instead
        options.Policy.Seed = 1234;
        options.Policy.Epsilon = 0.2;
        options.Policy.Diversity = 0.7;
        options.Scorers.SetWeight(ScorerContract.Popularity, 0.1);
        options.Scorers.Add(new HostBoostScorer(), weight: 0.3);
        options.Experiment = new Experiment("lock", new[]
        {
            new ExperimentVariant("control", 1, new VariantSettings(epsilon: 0.1, diversity: 0.8)),
            new ExperimentVariant("bold", 1, new VariantSettings(epsilon: 0.3, diversity: 0.5)),
        });

        var output = new List<string>();
        using var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Clustered(300, Dimensions, clusters: 12, seed: 11));

        string[] players = Enumerable.Range(0, 12).Select(i => $"player-{i:D2}").ToArray();
        var rng = new Random(42);
        for (int step = 0; step < 900; step++)
        {
            string user = players[rng.Next(players.Length)];
            int cluster = (Array.IndexOf(players, user) * 5) % 12;
            int item = rng.NextDouble() < 0.7 ? (rng.Next(25) * 12) + cluster : rng.Next(300);
            var kind = Kinds[rng.Next(Kinds.Length)];
            double value = kind == InteractionKind.Rating ? 1 + rng.Next(5) : 1;
            engine.Record(new Interaction(user, $"item-{item:D4}", kind, value));
            if (step % 50 == 49)
            {
                clock.Advance(TimeSpan.FromMinutes(37));
            }
        }

        var training = engine.Train();
        output.Add(string.Create(CultureInfo.InvariantCulture, $"train {training.Algorithm} items={training.ModelItems} users={training.Users} interactions={training.Interactions}"));

        string[] lookedAt = players.Take(6).Concat(new[] { "newcomer" }).ToArray();
        var variants = new SuggestOptions[]
        {
            new() { Explain = true },
            new() { Explain = true, Count = 5, Epsilon = 0, Diversity = 1 },
            new() { Explain = true, MaxPerTag = 1, ExcludedTags = new[] { "c3" } },
            new() { Explain = true, RequiredTags = new[] { "c1", "c2" }, Seed = 99 },
            new() { Explain = true, IncludeConsumed = true, ScorerWeights = new Dictionary<string, double> { [ScorerContract.Content] = 0.2 } },
        };

        for (int round = 0; round < 4; round++)
        {
            foreach (string user in lookedAt)
            {
                Append(output, $"r{round} {user} default", engine.Suggest(user));
                for (int v = 0; v < variants.Length; v++)
                {
                    Append(output, $"r{round} {user} options{v}", engine.Suggest(user, variants[v]));
                }

                var span = new Suggestion[7];
                int n = engine.Suggest(user, span);
                Append(output, $"r{round} {user} span", span.Take(n).ToList());
            }

            for (int i = 0; i < lookedAt.Length; i++)
            {
                engine.Record(new Interaction(lookedAt[i], $"item-{(round * 31) + (i * 7):D4}", Kinds[(round + i) % Kinds.Length]));
            }

            clock.Advance(TimeSpan.FromHours(5));
        }

        return output;
    }

    private static void Append(List<string> output, string label, IReadOnlyList<Suggestion> list)
    {
        output.Add(label);
        foreach (var s in list)
        {
            var line = new StringBuilder();
            line.Append(CultureInfo.InvariantCulture, $"  {s.ItemId} {s.Score.ToString("R", CultureInfo.InvariantCulture)} {s.Source} ");
            line.Append(CultureInfo.InvariantCulture, $"p={s.Propensity.ToString("R", CultureInfo.InvariantCulture)} v={s.Variant ?? "-"}");
            if (s.Breakdown is not null)
            {
                foreach (var c in s.Breakdown)
                {
                    line.Append(CultureInfo.InvariantCulture, $" {c.Scorer}={c.Contribution.ToString("R", CultureInfo.InvariantCulture)}");
                }
            }

            output.Add(line.ToString());
        }
    }

    /// <summary>A host scorer registered in code, plugin-style: a deterministic boost by tag and row.</summary>
    private sealed class HostBoostScorer : IScorer
    {
        public string Name => "host-boost";

        public bool Score(in ScoringContext context, Span<float> scores)
        {
            for (int row = 0; row < scores.Length; row++)
            {
                var tags = context.ItemTags(row);
                float boost = tags.Count > 0 && (tags[0] == "c4" || tags[0] == "c7") ? 1f : 0f;
                scores[row] = boost + (((row * 7919) % 101) / 404f) + (context.UserInteractionCount % 3 * 0.01f);
            }

            return true;
        }
    }
}
