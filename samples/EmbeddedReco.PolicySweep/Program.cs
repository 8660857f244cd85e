using System.Diagnostics;
using System.Globalization;
using System.Text;
using EmbeddedReco;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Import;
using EmbeddedReco.PolicySweep;

// Chooses the default policy settings by measurement (docs/policy.md, "How the defaults were chosen").
//   sim  (default): simulated shops on two catalog shapes, several seeds; engagement and retention per policy with 95 % CIs.
//   ndcg: held-out NDCG@10 on a ratings file (MovieLens) of the engine's hybrid under several policies vs pure relevance.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "sim";
    string[] rest = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[1..] : args;
    return mode switch
    {
        "sim" => Sim(rest),
        "ndcg" => Ndcg(rest),
        _ => Usage($"unknown mode '{mode}'"),
    };
}
catch (ArgumentException ex)
{
    return Usage(ex.Message);
}

static int Usage(string error)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine("usage: dotnet run -c Release --project samples/EmbeddedReco.PolicySweep -- [sim|ndcg] [options]");
    Console.Error.WriteLine("  sim  [--seeds 1,2,3] [--players 60] [--items 300] [--seconds 180] [--shelf 10] [--cooldown-seconds 30]");
    Console.Error.WriteLine("       [--base \"defaults;eps=0.05;lambda=0.8\" (the row others are compared with; default: the engine's PolicyOptions)]");
    Console.Error.WriteLine("       [--shapes clustered,overlapping] [--grid oat|none] [--config \"name;eps=0.1;lambda=0.6;cooldown=3;period=30;recent=2;penalty=0.3\"]...");
    Console.Error.WriteLine("       [--parallel 1] [--out FILE.md]");
    Console.Error.WriteLine("  ndcg --ratings ratings.csv --items movies.csv [--seed 42] [--k 10] [--config \"name;eps=0.05;lambda=0.8\"]...");
    return 2;
}

static int Sim(string[] args)
{
    int[] seeds = (Option(args, "--seeds") ?? "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    int players = Int(args, "--players", 60);
    int items = Int(args, "--items", 300);
    int seconds = Int(args, "--seconds", 180);
    int shelf = Int(args, "--shelf", 10);
    int cooldownSeconds = Int(args, "--cooldown-seconds", 30);
    int parallel = Int(args, "--parallel", 1);
    var shapes = (Option(args, "--shapes") ?? "clustered,overlapping").Split(',')
        .Select(s => Enum.Parse<CatalogShape>(s, ignoreCase: true)).ToArray();
    var defaults = PolicyConfig.Defaults(cooldownSeconds);
    if (Option(args, "--base") is string baseText)
    {
        defaults = PolicyConfig.Parse(baseText, defaults);
    }

    var configs = new List<PolicyConfig>((Option(args, "--grid") ?? "oat") switch
    {
        "oat" => PolicyConfig.OneAtATime(defaults),
        "none" => new[] { defaults },
        string g => throw new ArgumentException($"unknown --grid '{g}' (oat, none)"),
    });
    configs.AddRange(Options(args, "--config").Select(c => PolicyConfig.Parse(c, defaults)));

    var md = new StringBuilder();
    md.AppendLine(CultureInfo.InvariantCulture, $"Simulated shops: {players} players, {items} items, {seconds} simulated s (a visit every 2-6 s), shelf {shelf}, seeds {string.Join(",", seeds)}; cooldown period in simulated seconds.");
    md.AppendLine("Engagement = the engine's weighted engagement score per player over the run, mean [95 % CI] over all players of all seeds;");
    md.AppendLine("retention = players still active at the end [95 % CI]; genres/shelf = distinct primary genres per shown shelf.");
    Console.Error.WriteLine($"{configs.Count} policies x {shapes.Length} shapes x {seeds.Length} seeds = {configs.Count * shapes.Length * seeds.Length} runs");
    var sw = Stopwatch.StartNew();
    foreach (var shape in shapes)
    {
        var jobs = configs.SelectMany(c => seeds.Select(s => (Config: c, Seed: s))).ToArray();
        var results = new RunResult[jobs.Length];
        int done = 0;
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel }, j =>
        {
            results[j] = ShopSimulation.Run(shape, jobs[j].Seed, jobs[j].Config, players, items, seconds, shelf);
            Console.Error.Write($"\r  {shape}: {Interlocked.Increment(ref done)}/{jobs.Length} ({sw.Elapsed.TotalSeconds:0} s)   ");
        });
        Console.Error.WriteLine();

        var rows = configs.Select(c =>
        {
            var runs = jobs.Select((job, j) => (job, r: results[j])).Where(x => x.job.Config == c).Select(x => x.r).ToArray();
            var engagement = ExperimentStatistics.Summarize(c.Name, runs.SelectMany(r => r.Engagement));
            var kept = runs.SelectMany(r => r.Active).Select(a => a ? 1.0 : 0.0);
            var retention = ExperimentStatistics.Summarize(c.Name, kept);
            long imp = runs.Sum(r => r.Impressions), clk = runs.Sum(r => r.Clicks);
            double[] seedMeans = runs.Select(r => r.Engagement.Average()).ToArray();
            return (Config: c, Engagement: engagement, Retention: retention, Ctr: imp == 0 ? 0 : (double)clk / imp,
                Genres: runs.Average(r => r.DistinctGenresPerShelf), SeedMin: seedMeans.Min(), SeedMax: seedMeans.Max());
        }).ToList();

        var baseline = rows[0].Engagement;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Catalog shape: {shape}");
        md.AppendLine();
        md.AppendLine("| policy | settings | engagement/player [95 % CI] | vs defaults (Welch p) | seed means | retention | CTR | genres/shelf |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            string vs = r.Config == configs[0] ? "-" : Compare(baseline, r.Engagement);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Config.Name} | {r.Config.Settings} | {r.Engagement.Mean:0.0} [{r.Engagement.Lower95:0.0}, {r.Engagement.Upper95:0.0}] | {vs} | {r.SeedMin:0.0}-{r.SeedMax:0.0} | {100 * r.Retention.Mean:0.0} % [{100 * r.Retention.Lower95:0.0}, {100 * r.Retention.Upper95:0.0}] | {r.Ctr:0.000} | {r.Genres:0.00} |");
        }

        md.AppendLine();
        md.AppendLine("```");
        md.Append(AsciiChart(rows.Select(r => (r.Config.Name, r.Engagement.Mean, r.Engagement.Lower95, r.Engagement.Upper95)).ToList(), $"engagement per player, {shape} ([---] = 95 % CI, | = defaults)"));
        md.AppendLine("```");
    }

    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"Wall time {sw.Elapsed.TotalSeconds:0} s with --parallel {parallel}.");
    Console.Write(md.ToString());
    if (Option(args, "--out") is string outPath)
    {
        File.WriteAllText(outPath, md.ToString());
        Console.Error.WriteLine($"wrote {outPath}");
    }

    return 0;
}

static int Ndcg(string[] args)
{
    string ratings = Option(args, "--ratings") ?? throw new ArgumentException("ndcg needs --ratings FILE");
    string itemsPath = Option(args, "--items") ?? throw new ArgumentException("ndcg needs --items movies.csv");
    int seed = Int(args, "--seed", 42);
    int k = Int(args, "--k", 10);
    var all = new List<Interaction>();
    InteractionReader.ReadFile(ratings, all.Add, new InteractionImportOptions { Mapping = InteractionValueMapping.Always(InteractionKind.Like) });
    var split = DataSplit.StratifiedRandom(all, 0.75, seed);
    var items = ItemFeatureReader.ReadMovieLensMoviesFile(itemsPath).Items;
    var defaults = new PolicyOptions();
    var configs = new List<PolicyConfig> { new("pure relevance", 0, 1, 0, 0, 0, 0), PolicyConfig.Defaults(0) };
    configs.AddRange(Options(args, "--config").Select(c => PolicyConfig.Parse(c, PolicyConfig.Defaults(0))));
    using var shared = new SharedEngine(items);
    var views = configs.Select(c => new PolicyView(shared, c.Name == "defaults" ? $"defaults (eps {defaults.Epsilon}, lambda {defaults.Diversity})" : $"{c.Name} (eps {c.Epsilon}, lambda {c.Diversity})", c.Epsilon, c.Diversity)).ToList();
    var sw = Stopwatch.StartNew();
    var report = OfflineEvaluator.Evaluate(split, views, new EvaluationOptions { K = k, Seed = seed, IncludeBaselines = false });
    double pure = report.Results[0].Ndcg;
    Console.WriteLine($"MovieLens {Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(ratings)))}: stratified 75/25 split, seed {seed}, {report.Users} test users, K = {k}; engine hybrid (EASE/kNN + content + popularity), one trained engine; {sw.Elapsed.TotalSeconds:0} s");
    Console.WriteLine();
    Console.WriteLine("| policy | NDCG@10 | vs pure relevance | precision@10 | recall@10 | coverage |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
    foreach (var r in report.Results)
    {
        Console.WriteLine($"| {r.Name} | {r.Ndcg:0.0000} | {(r.Ndcg - pure) / pure:+0.0%;-0.0%;0.0%} | {r.Precision:0.0000} | {r.Recall:0.0000} | {r.Coverage:0.000} |");
    }

    return 0;
}

static string Compare(VariantSummary control, VariantSummary treatment)
{
    var c = ExperimentStatistics.Compare(control, treatment);
    return string.Create(CultureInfo.InvariantCulture, $"{c.Lift:+0.0%;-0.0%;0.0%} (p {(c.PValue < 0.001 ? "<0.001" : c.PValue.ToString("0.000", CultureInfo.InvariantCulture))})");
}

static string AsciiChart(List<(string Name, double Mean, double Lower, double Upper)> rows, string title)
{
    const int width = 60;
    double min = rows.Min(r => r.Lower), max = rows.Max(r => r.Upper);
    double span = Math.Max(1e-9, max - min);
    int Col(double v) => (int)Math.Round((v - min) / span * (width - 1));
    int baseCol = Col(rows[0].Mean);
    var sb = new StringBuilder();
    sb.AppendLine(title);
    int nameWidth = rows.Max(r => r.Name.Length);
    foreach (var r in rows)
    {
        var line = new char[width];
        Array.Fill(line, ' ');
        for (int i = Col(r.Lower); i <= Col(r.Upper); i++)
        {
            line[i] = '-';
        }

        line[Col(r.Lower)] = '[';
        line[Col(r.Upper)] = ']';
        if (line[baseCol] == ' ' || line[baseCol] == '-')
        {
            line[baseCol] = '|';
        }

        line[Col(r.Mean)] = '*';
        sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Name.PadRight(nameWidth)} {new string(line)} {r.Mean:0.0}");
    }

    sb.AppendLine(CultureInfo.InvariantCulture, $"{new string(' ', nameWidth)} {min:0.0}{new string(' ', width - 10)}{max:0.0}");
    return sb.ToString();
}

static string? Option(string[] args, string name)
{
    int i = Array.LastIndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static IEnumerable<string> Options(string[] args, string name)
{
    for (int i = 0; i + 1 < args.Length; i++)
    {
        if (args[i] == name)
        {
            yield return args[i + 1];
        }
    }
}

static int Int(string[] args, string name, int fallback)
{
    string? s = Option(args, name);
    return s is null ? fallback
        : int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v
        : throw new ArgumentException($"{name} needs a non-negative integer, not '{s}'");
}
