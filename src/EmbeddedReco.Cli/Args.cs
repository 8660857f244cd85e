namespace EmbeddedReco.Cli;

/// <summary>"--name value" pairs of a command line; a malformed or missing value is an <see cref="ArgumentException"/> naming the option.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public Args(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value pairs; got '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }
    }

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int x) ? x : throw Malformed(name, v, "an integer") : fallback;

    public long Long(string name, long fallback) => Get(name) is { } v ? long.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long x) ? x : throw Malformed(name, v, "an integer") : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x : throw Malformed(name, v, "a finite number") : fallback;

    /// <summary>Options given that the command does not know (a typo would otherwise be ignored silently).</summary>
    public void OnlyKnown(params string[] known)
    {
        foreach (string name in values.Keys)
        {
            if (Array.IndexOf(known, name) < 0)
            {
                throw new ArgumentException($"Unknown option --{name}; this command takes {string.Join(", ", known.Select(k => "--" + k))}.");
            }
        }
    }

    private static ArgumentException Malformed(string name, string value, string what) => new($"--{name} must be {what}, not '{value}'.");
}
