using System.Diagnostics;
using System.Globalization;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Import;

namespace EmbeddedReco.Demo;

/// <summary>
/// `eval`: offline evaluation on a ratings file with a split, or on explicit train and test files. Runs MostPopular and Random
/// baselines, EASE (collaborative only), and, with --items, the engine with content only and the engine's hybrid blend.
/// </summary>
internal static class EvalCommand
{
    public static int Run(string[] args)
    {
        string? ratings = DemoPaths.Option(args, "--ratings");
        string? trainPath = DemoPaths.Option(args, "--train");
        string? testPath = DemoPaths.Option(args, "--test");
        string? itemsPath = DemoPaths.Option(args, "--items");
        string split = DemoPaths.Option(args, "--split") ?? "stratified:0.75";
        int seed = int.Parse(DemoPaths.Option(args, "--seed") ?? "42", CultureInfo.InvariantCulture);
        int k = int.Parse(DemoPaths.Option(args, "--k") ?? "10", CultureInfo.InvariantCulture);
        bool json = DemoPaths.Flag(args, "--json");
        var log = json ? Console.Error : Console.Out;

        DataSplit data;
        if (ratings is not null)
        {
            var all = Read(ratings, log);
            data = split switch
            {
                "leave-last-out" => DataSplit.LeaveLastOut(all),
                _ when split.StartsWith("stratified:", StringComparison.Ordinal) =>
                    DataSplit.StratifiedRandom(all, double.Parse(split["stratified:".Length..], CultureInfo.InvariantCulture), seed),
                _ => throw new ArgumentException($"unknown --split '{split}': use stratified:RATIO or leave-last-out"),
            };
        }
        else if (trainPath is not null && testPath is not null)
        {
            data = DataSplit.Explicit(Read(trainPath, log), Read(testPath, log));
        }
        else
        {
            throw new ArgumentException("eval needs --ratings FILE [--split stratified:0.75|leave-last-out] or --train FILE --test FILE");
        }

        var recommenders = new List<IRecommenderUnderTest> { new CollaborativeRecommender(name: "EASE (collaborative only)") };
        IReadOnlyDictionary<string, ReadOnlyMemory<float>>? vectors = null;
        if (itemsPath is not null)
        {
            var items = ItemFeatureReader.ReadMovieLensMoviesFile(itemsPath);
            Report(items.Result, itemsPath, log);
            vectors = items.Items.ToDictionary(i => i.Id, i => i.Features, StringComparer.Ordinal);
            recommenders.Add(new EngineRecommender("engine: content only", items.Items, o =>
            {
                o.Scorers.SetWeight(ScorerContract.Collaborative, 0);
                o.Scorers.SetWeight(ScorerContract.Popularity, 0);
            }));
            recommenders.Add(new EngineRecommender("engine: hybrid (defaults)", items.Items));
        }
        else
        {
            recommenders.Add(new EngineRecommender("engine: collaborative + popularity", Array.Empty<ItemDefinition>()));
        }

        log.WriteLine($"split: {data.Train.Count} train / {data.Test.Count} test interactions; K = {k}");
        var sw = Stopwatch.StartNew();
        IProgress<double>? progress = Interactive(json) ? new Progress<double>(p => log.Write($"\r  evaluating {p * 100,5:0.0}% ")) : null;
        var report = OfflineEvaluator.Evaluate(data, recommenders, new EvaluationOptions { K = k, Seed = seed, ItemVectors = vectors }, progress);
        log.WriteLine($"{(Interactive(json) ? "\r" : string.Empty)}  evaluated in {sw.Elapsed.TotalSeconds:0.0} s          ");
        foreach (var r in recommenders.OfType<IDisposable>())
        {
            r.Dispose();
        }

        Console.WriteLine(json ? report.ToJson() : report.ToTable());
        return 0;
    }

    private static List<Interaction> Read(string path, TextWriter log)
    {
        var list = new List<Interaction>();
        bool interactive = Interactive(log == Console.Error);
        IProgress<double>? progress = interactive ? new Progress<double>(p => log.Write($"\r  reading {Path.GetFileName(path)} {p * 100,5:0.0}% ")) : null;
        var result = InteractionReader.ReadFile(path, list.Add, new InteractionImportOptions { Mapping = InteractionValueMapping.Always(InteractionKind.Like) }, progress);
        if (interactive)
        {
            log.Write("\r");
        }

        Report(result, path, log);
        return list;
    }

    /// <summary>A progress bar only on a terminal (not in logs or pipes).</summary>
    private static bool Interactive(bool toStandardError) => toStandardError ? !Console.IsErrorRedirected : !Console.IsOutputRedirected;

    private static void Report(ImportResult result, string path, TextWriter log)
    {
        log.WriteLine($"{Path.GetFileName(path)}: {result.Imported} rows imported, {result.Malformed} malformed, {result.Ignored} ignored");
        foreach (var error in result.Errors.Take(5))
        {
            log.WriteLine($"  line {error.Line}: {error.Message}");
        }
    }
}
