namespace EmbeddedReco.Demo;

/// <summary>A generated catalog of game items whose feature axes mean something (genres and play styles).</summary>
internal static class GameCatalog
{
    public static readonly string[] Axes =
    {
        "action", "puzzle", "strategy", "rpg", "cozy", "horror", "racing", "sports",
        "story", "competitive", "casual", "co-op", "pixel-art", "open-world", "short-sessions", "hardcore",
    };

    private static readonly string[] Adjectives =
    {
        "Neon", "Tiny", "Ancient", "Silent", "Crimson", "Lucky", "Frozen", "Hidden", "Iron", "Golden", "Wild", "Paper",
        "Cosmic", "Sleepy", "Broken", "Electric", "Velvet", "Hollow", "Rapid", "Gentle",
    };

    private static readonly string[] Nouns =
    {
        "Blade", "Garden", "Empire", "Quest", "Harbor", "Manor", "Circuit", "League", "Chronicle", "Arena", "Puzzlebox",
        "Outpost", "Kingdom", "Cafe", "Labyrinth", "Rally", "Frontier", "Tower", "Voyage", "Workshop",
    };

    private static readonly (string Name, (int Axis, float Weight)[] Profile)[] Archetypes =
    {
        ("shooter", new[] { (0, 1f), (9, 0.7f), (15, 0.5f) }),
        ("match-3", new[] { (1, 1f), (10, 0.8f), (14, 0.7f) }),
        ("4x", new[] { (2, 1f), (15, 0.6f), (8, 0.3f) }),
        ("jrpg", new[] { (3, 1f), (8, 0.8f), (12, 0.4f) }),
        ("farming", new[] { (4, 1f), (10, 0.6f), (11, 0.4f) }),
        ("survival-horror", new[] { (5, 1f), (0, 0.4f), (8, 0.5f) }),
        ("kart", new[] { (6, 1f), (10, 0.5f), (11, 0.5f) }),
        ("football", new[] { (7, 1f), (9, 0.8f), (11, 0.3f) }),
        ("visual-novel", new[] { (8, 1f), (4, 0.4f), (12, 0.5f) }),
        ("roguelike", new[] { (0, 0.6f), (15, 1f), (12, 0.6f), (14, 0.4f) }),
        ("sandbox", new[] { (13, 1f), (11, 0.6f), (4, 0.3f) }),
        ("tactics", new[] { (2, 0.9f), (3, 0.6f), (1, 0.3f) }),
    };

    public static int Dimensions => Axes.Length;

    /// <summary>Deterministic: the same seed gives the same catalog.</summary>
    public static List<ItemDefinition> Generate(int count, int seed)
    {
        var rng = new Random(seed);
        var items = new List<ItemDefinition>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            var (archetype, profile) = Archetypes[i % Archetypes.Length];
            var v = new float[Axes.Length];
            for (int d = 0; d < v.Length; d++)
            {
                v[d] = (float)(rng.NextDouble() * 0.15);
            }

            foreach (var (axis, weight) in profile)
            {
                v[axis] += weight * (float)(0.7 + (rng.NextDouble() * 0.6));
            }

            string name;
            do
            {
                name = $"{Adjectives[rng.Next(Adjectives.Length)]} {Nouns[rng.Next(Nouns.Length)]}";
            }
            while (!names.Add(name));

            string price = (i % 5) switch { 0 => "free", 1 or 2 => "cheap", 3 => "standard", _ => "premium" };
            string id = $"{archetype}-{i:D3}";
            items.Add(new ItemDefinition(id, v, new[] { archetype, TopAxis(v), price }));
            Titles[id] = name;
        }

        return items;
    }

    public static Dictionary<string, string> Titles { get; } = new(StringComparer.Ordinal);

    public static string Title(string id) => Titles.TryGetValue(id, out var t) ? t : id;

    public static string TopAxis(IReadOnlyList<float> v)
    {
        int best = 0;
        for (int d = 1; d < v.Count; d++)
        {
            if (v[d] > v[best])
            {
                best = d;
            }
        }

        return Axes[best];
    }

    /// <summary>The strongest axes of a profile vector, for display.</summary>
    public static string Describe(IReadOnlyList<float> v, int top = 3)
    {
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        if (norm == 0)
        {
            return "(no taste yet)";
        }

        return string.Join(", ", Enumerable.Range(0, v.Count)
            .OrderByDescending(d => v[d])
            .Take(top)
            .Select(d => $"{Axes[d]} {v[d] / norm:0.00}"));
    }
}
