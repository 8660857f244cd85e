using System.Diagnostics;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Fleet;
using EmbeddedReco.Import;

namespace EmbeddedReco.FleetSample;

/// <summary>The trainer's command line: train, keygen, synth, eval-export.</summary>
internal static class TrainerCommands
{
    public static int Train(string[] argv)
    {
        var a = new Args(argv);
        var options = new FleetTrainerOptions
        {
            Collaborative = new CollaborativeOptions
            {
                Algorithm = (a.Get("algorithm") ?? "auto") switch
                {
                    "ease" => CollaborativeAlgorithm.Ease,
                    "knn" => CollaborativeAlgorithm.ItemKnn,
                    _ => CollaborativeAlgorithm.Auto,
                },
                EaseLambda = a.Double("lambda", 200),
                Neighbours = a.Int("neighbours", 100),
            },
            Weighting = a.Get("weighting") == "engagement" ? FleetWeighting.Engagement : FleetWeighting.Binary,
            Shards = a.Int("shards", 32),
            Workers = a.Int("workers", 0),
        };
        string? key = a.Get("sign-key") is { } keyPath ? File.ReadAllText(keyPath) : null;
        var sw = Stopwatch.StartNew();
        if (a.Get("neighbour-lists") is { } lists)
        {
            int items = SparkInterchange.Build(lists, a.Get("popularity"), a.Required("items"), a.Required("out"), options, key);
            Console.WriteLine($"imported neighbour lists for {items} model items from {lists}");
        }
        else
        {
            var report = FleetSnapshotBuilder.Build(a.Required("events"), a.Required("items"), a.Required("out"), options, key);
            Console.WriteLine(report);
        }

        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"wrote {a.Required("out")} ({new FileInfo(a.Required("out")).Length:N0} bytes{(key is null ? ", unsigned" : ", signed")}) in {sw.Elapsed.TotalSeconds:0.0} s; peak working set {self.PeakWorkingSet64 / (1024.0 * 1024):N0} MiB; {Environment.ProcessorCount} cores");
        return 0;
    }

    public static int KeyGen(string[] argv)
    {
        var a = new Args(argv);
        string prefix = a.Required("out");
        var (priv, pub) = ModelSigning.GenerateKeyPair(a.Int("bits", ModelSigning.DefaultKeyBits));
        File.WriteAllText(prefix + ".private.pem", priv);
        File.WriteAllText(prefix + ".public.pem", pub);
        Console.WriteLine($"wrote {prefix}.private.pem (keep it on the build server, never in the repository) and {prefix}.public.pem (ship it in the game build)");
        return 0;
    }

    public static int Synth(string[] argv)
    {
        var a = new Args(argv);
        Console.WriteLine(SyntheticFleet.Generate(a.Required("out"), a.Long("events", 10_000_000), a.Int("items", 5000), a.Int("users", 100_000), a.Int("files", 200), a.Int("seed", 42)));
        return 0;
    }

    public static int EvalExport(string[] argv)
    {
        var a = new Args(argv);
        var ratings = new List<Interaction>();
        InteractionReader.ReadFile(a.Required("ratings"), ratings.Add);
        var split = DataSplit.StratifiedRandom(ratings, 0.75, seed: a.Int("seed", 42));
        var fleet = new FleetRecommender(new FleetTrainerOptions(), files: 16);
        var report = OfflineEvaluator.Evaluate(split, new IRecommenderUnderTest[] { new CollaborativeRecommender(), fleet }, new EvaluationOptions { K = 10, Seed = a.Int("seed", 42) });
        Console.WriteLine(report.ToTable());
        Console.WriteLine(fleet.Report);
        return 0;
    }
}
