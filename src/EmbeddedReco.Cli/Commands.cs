using System.Diagnostics;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Fleet;
using EmbeddedReco.Import;

namespace EmbeddedReco.Cli;

/// <summary>
/// The trainer's command line: train, keygen, synth, eval-export. Exit codes: 0 done; 2 a bad command line (unknown command or
/// option, a missing or malformed value: nothing is written); 1 the command failed (a missing or unreadable input, a bad
/// snapshot, an output that already exists where the command refuses to overwrite), with one line on standard error.
/// </summary>
internal static class Commands
{
    public const string Usage = """
        usage: reco <command> [--name value ...]
          train --events DIR --items FILE --out FILE [--sign-key PEM] [--algorithm auto|ease|knn] [--weighting binary|engagement]
                [--lambda 200] [--neighbours 100] [--shards 32] [--workers 0]
                                     build a model snapshot from devices' event exports (*.erevents) and the catalog snapshot
          train --neighbour-lists DIR [--popularity DIR] --items FILE --out FILE [--sign-key PEM]
                                     the same from the Spark job's neighbour lists (samples/EmbeddedReco.SparkTraining)
          keygen --out PREFIX [--bits 3072]
                                     write PREFIX.private.pem (the build server's) and PREFIX.public.pem (the game build's)
          synth --out DIR [--events 10000000] [--items 5000] [--users 100000] [--files 200] [--seed 42]
                                     synthetic uploads and a catalog, to measure the trainer
          eval-export --ratings FILE [--seed 42]
                                     EASE through the export format against the in-memory evaluator (NDCG@10), e.g. on MovieLens
        docs/deployment.md describes the whole path.
        """;

    /// <summary>Runs one command line; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            string[] rest = args[1..];
            switch (args[0])
            {
                case "train": return Train(rest);
                case "keygen": return KeyGen(rest);
                case "synth": return Synth(rest);
                case "eval-export": return EvalExport(rest);
                default:
                    Console.Error.WriteLine($"reco: unknown command '{args[0]}'.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("reco: " + e.Message);
            return 2;
        }
        catch (Exception e) when (e is RecoException or IOException or UnauthorizedAccessException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"reco: {args[0]} failed: {e.Message}");
            return 1;
        }
    }

    private static int Train(string[] argv)
    {
        var a = new Args(argv);
        a.OnlyKnown("events", "items", "out", "sign-key", "algorithm", "weighting", "lambda", "neighbours", "shards", "workers", "neighbour-lists", "popularity");
        var options = new FleetTrainerOptions
        {
            Collaborative = new CollaborativeOptions
            {
                Algorithm = (a.Get("algorithm") ?? "auto") switch
                {
                    "ease" => CollaborativeAlgorithm.Ease,
                    "knn" => CollaborativeAlgorithm.ItemKnn,
                    "auto" => CollaborativeAlgorithm.Auto,
                    string other => throw new ArgumentException($"--algorithm must be auto, ease or knn, not '{other}'."),
                },
                EaseLambda = a.Double("lambda", 200),
                Neighbours = a.Int("neighbours", 100),
            },
            Weighting = (a.Get("weighting") ?? "binary") switch
            {
                "binary" => FleetWeighting.Binary,
                "engagement" => FleetWeighting.Engagement,
                string other => throw new ArgumentException($"--weighting must be binary or engagement, not '{other}'."),
            },
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

    private static int KeyGen(string[] argv)
    {
        var a = new Args(argv);
        a.OnlyKnown("out", "bits");
        string prefix = a.Required("out");
        int bits = a.Int("bits", ModelSigning.DefaultKeyBits);
        // Never overwrite a key: a replaced private key cannot sign for the devices that trust the old public one. Checked before
        // the (slow) key generation; WriteNew refuses an existing file again, even one created meanwhile.
        foreach (string existing in new[] { prefix + ".private.pem", prefix + ".public.pem" })
        {
            if (File.Exists(existing))
            {
                throw new IOException($"{existing} already exists; keygen never overwrites a key (choose another --out; rotation: docs/deployment.md).");
            }
        }

        var (priv, pub) = ModelSigning.GenerateKeyPair(bits);

        WriteNew(prefix + ".private.pem", priv);
        WriteNew(prefix + ".public.pem", pub);
        Console.WriteLine($"wrote {prefix}.private.pem (keep it on the build server, never in the repository) and {prefix}.public.pem (ship it in the game build)");
        return 0;
    }

    private static int Synth(string[] argv)
    {
        var a = new Args(argv);
        a.OnlyKnown("out", "events", "items", "users", "files", "seed");
        Console.WriteLine(SyntheticFleet.Generate(a.Required("out"), a.Long("events", 10_000_000), a.Int("items", 5000), a.Int("users", 100_000), a.Int("files", 200), a.Int("seed", 42)));
        return 0;
    }

    private static int EvalExport(string[] argv)
    {
        var a = new Args(argv);
        a.OnlyKnown("ratings", "seed");
        var ratings = new List<Interaction>();
        InteractionReader.ReadFile(a.Required("ratings"), ratings.Add);
        var split = DataSplit.StratifiedRandom(ratings, 0.75, seed: a.Int("seed", 42));
        var fleet = new FleetRecommender(new FleetTrainerOptions(), files: 16);
        var report = OfflineEvaluator.Evaluate(split, new IRecommenderUnderTest[] { new CollaborativeRecommender(), fleet }, new EvaluationOptions { K = 10, Seed = a.Int("seed", 42) });
        Console.WriteLine(report.ToTable());
        Console.WriteLine(fleet.Report);
        return 0;
    }

    /// <summary>Creates <paramref name="path"/> with <paramref name="text"/>; fails if it exists (no overwrite, even in a race).</summary>
    private static void WriteNew(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
