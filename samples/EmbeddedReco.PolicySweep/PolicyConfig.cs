using System.Globalization;

namespace EmbeddedReco.PolicySweep;

/// <summary>One policy setting under test. Cooldown is in simulated seconds (the simulator's shop opens every 2-6 s).</summary>
internal sealed record PolicyConfig(
    string Name,
    double Epsilon,
    double Diversity,
    int CooldownImpressions,
    int CooldownSeconds,
    int RecentLists,
    double RecentListPenalty)
{
    /// <summary>The engine's defaults (<see cref="PolicyOptions"/>), with the cooldown period scaled to the simulator's clock.</summary>
    public static PolicyConfig Defaults(int cooldownSeconds)
    {
        var d = new PolicyOptions();
        return new PolicyConfig("defaults", d.Epsilon, d.Diversity, d.CooldownImpressions, cooldownSeconds, d.RecentLists, d.RecentListPenalty);
    }

    /// <summary>One-at-a-time grid around the defaults: each row changes one knob.</summary>
    public static IReadOnlyList<PolicyConfig> OneAtATime(PolicyConfig b)
    {
        var list = new List<PolicyConfig> { b };
        foreach (double e in new[] { 0.0, 0.05, 0.1, 0.2 }.Where(e => e != b.Epsilon))
        {
            list.Add(b with { Name = F($"epsilon {e}"), Epsilon = e });
        }

        foreach (double l in new[] { 1.0, 0.8, 0.6, 0.5, 0.3 }.Where(l => l != b.Diversity))
        {
            list.Add(b with { Name = F($"lambda {l}"), Diversity = l });
        }

        foreach (int c in new[] { 0, 3 }.Where(c => c != b.CooldownImpressions))
        {
            list.Add(b with { Name = c == 0 ? "cooldown off" : F($"cooldown after {c}"), CooldownImpressions = c });
        }

        foreach (int s in new[] { 30, 120 }.Where(s => s != b.CooldownSeconds))
        {
            list.Add(b with { Name = F($"cooldown {s} s"), CooldownSeconds = s });
        }

        foreach (int r in new[] { 0, 2, 4 }.Where(r => r != b.RecentLists))
        {
            list.Add(b with { Name = r == 0 ? "recent lists off" : F($"recent lists {r}"), RecentLists = r });
        }

        foreach (double p in new[] { 0.3, 0.6 }.Where(p => p != b.RecentListPenalty))
        {
            list.Add(b with { Name = F($"recent penalty {p}"), RecentListPenalty = p });
        }

        return list;
    }

    /// <summary>Parses "name;eps=0.1;lambda=0.6;cooldown=3;period=30;recent=2;penalty=0.3" (missing keys keep the base's values).</summary>
    public static PolicyConfig Parse(string text, PolicyConfig b)
    {
        var parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException("--config needs a name, e.g. \"chosen;eps=0.1;lambda=0.6\"");
        }

        var c = b with { Name = parts[0] };
        foreach (string part in parts.Skip(1))
        {
            string[] kv = part.Split('=', 2);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                throw new ArgumentException($"--config: '{part}' is not key=number");
            }

            c = kv[0] switch
            {
                "eps" => c with { Epsilon = v },
                "lambda" => c with { Diversity = v },
                "cooldown" => c with { CooldownImpressions = (int)v },
                "period" => c with { CooldownSeconds = (int)v },
                "recent" => c with { RecentLists = (int)v },
                "penalty" => c with { RecentListPenalty = v },
                _ => throw new ArgumentException($"--config: unknown key '{kv[0]}' (eps, lambda, cooldown, period, recent, penalty)"),
            };
        }

        return c;
    }

    public PolicyOptions ToPolicy() => new()
    {
        Epsilon = Epsilon,
        Diversity = Diversity,
        CooldownImpressions = CooldownImpressions,
        CooldownPeriod = TimeSpan.FromSeconds(CooldownSeconds),
        RecentLists = RecentLists,
        RecentListPenalty = RecentListPenalty,
    };

    public string Settings => F($"eps {Epsilon}, lambda {Diversity}, cooldown {CooldownImpressions} x {CooldownSeconds} s, recent {RecentLists} x {RecentListPenalty}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
