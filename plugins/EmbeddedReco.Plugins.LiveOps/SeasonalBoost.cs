using System.Text.Json;
using EmbeddedReco;

[assembly: EmbeddedRecoPlugin(ScorerContract.Version)]

namespace EmbeddedReco.Plugins.LiveOps;

/// <summary>A live-ops event: items with any of its tags get its boost while it runs.</summary>
/// <param name="Name">The event name.</param>
/// <param name="Tags">Tags whose items are boosted.</param>
/// <param name="Start">When the event starts (inclusive).</param>
/// <param name="End">When it ends (exclusive).</param>
/// <param name="Boost">The boost, 0..1.</param>
public sealed record LiveEvent(string Name, IReadOnlyList<string> Tags, DateTimeOffset Start, DateTimeOffset End, float Boost);

/// <summary>
/// Boosts items carrying the tags of the events running at the engine's clock time. Outputs are absolute (0..1, normalization None):
/// outside every event it abstains, so it changes nothing.
/// </summary>
public sealed class SeasonalBoostScorer : IScorer
{
    private readonly LiveEvent[] _events;
    private readonly HashSet<string>[] _tags;

    /// <summary>Creates the scorer.</summary>
    /// <param name="events">The events.</param>
    public SeasonalBoostScorer(IEnumerable<LiveEvent> events)
    {
        _events = events.ToArray();
        _tags = _events.Select(e => new HashSet<string>(e.Tags, StringComparer.Ordinal)).ToArray();
    }

    /// <inheritdoc />
    public string Name => "liveops.seasonal";

    /// <inheritdoc />
    public bool Score(in ScoringContext context, Span<float> scores)
    {
        var now = context.Now;
        bool any = false;
        scores.Clear();
        for (int e = 0; e < _events.Length; e++)
        {
            var ev = _events[e];
            if (now < ev.Start || now >= ev.End)
            {
                continue;
            }

            any = true;
            var tags = _tags[e];
            for (int row = 0; row < scores.Length; row++)
            {
                var itemTags = context.ItemTags(row);
                for (int t = 0; t < itemTags.Count; t++)
                {
                    if (tags.Contains(itemTags[t]))
                    {
                        scores[row] = Math.Max(scores[row], ev.Boost);
                        break;
                    }
                }
            }
        }

        return any;
    }
}

/// <summary>Registers <see cref="SeasonalBoostScorer"/> from liveops.json beside the plugin (weight and events).</summary>
public sealed class LiveOpsModule : IScorerModule
{
    /// <inheritdoc />
    public void Register(ScorerModuleContext context)
    {
        string path = Path.Combine(context.PluginDirectory, "liveops.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        double weight = root.TryGetProperty("weight", out var w) ? w.GetDouble() : 0.5;
        var events = root.GetProperty("events").EnumerateArray().Select(e => new LiveEvent(
            e.GetProperty("name").GetString()!,
            e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray(),
            e.GetProperty("start").GetDateTimeOffset(),
            e.GetProperty("end").GetDateTimeOffset(),
            (float)e.GetProperty("boost").GetDouble())).ToList();
        context.Add(new SeasonalBoostScorer(events), weight, ScoreNormalization.None);
    }
}
