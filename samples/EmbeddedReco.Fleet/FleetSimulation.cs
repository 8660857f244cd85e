using System.Diagnostics;
using EmbeddedReco.Fleet;
using EmbeddedReco.Simulation;

namespace EmbeddedReco.FleetSample;

/// <summary>
/// N devices, each its own engine on its own database file with one simulated player. Every round each player visits the shop a
/// few times; each device exports its new events (from its cursor) into the upload folder and confirms them; the trainer builds a
/// signed model from all uploads; the "fleet" half of the devices downloads and loads it, the "solo" half never gets a model.
/// </summary>
internal static class FleetSimulation
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        int devices = a.Int("devices", 40) / 2 * 2, rounds = a.Int("rounds", 5), visits = a.Int("visits", 12), seed = a.Int("seed", 42);
        var sw = Stopwatch.StartNew();
        string root = Path.Combine(Path.GetTempPath(), "reco-fleet-" + Guid.NewGuid().ToString("N"));
        string uploads = Directory.CreateDirectory(Path.Combine(root, "uploads")).FullName;
        try
        {
            var catalog = GameCatalog.Generate(300, seed);
            // Twins: the fleet half and the solo half get identical simulated players (same seed), so the rounds compare like with like.
            var fleetPlayers = PlayerPopulation.Create(catalog, devices / 2, seed).Players;
            var soloPlayers = PlayerPopulation.Create(catalog, devices / 2, seed).Players;
            var keys = ModelSigning.GenerateKeyPair(2048); // the build server's key; devices get the public half
            var trust = new SnapshotOptions { TrustedPublicKeys = new[] { keys.PublicKeyPem } };
            string catalogFile = Path.Combine(root, "catalog.ersnap");
            using (var studio = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = GameCatalog.Dimensions }))
            {
                studio.UpsertItems(catalog.ToDefinitions());
                studio.SaveSnapshot(catalogFile);
            }

            var engines = new RecoEngine[devices];
            var cursors = new long[devices];
            var pseudonymKey = new byte[32];
            new Random(seed).NextBytes(pseudonymKey);
            for (int d = 0; d < devices; d++)
            {
                engines[d] = RecoEngine.Open(new RecoEngineOptions
                {
                    DatabasePath = Path.Combine(root, $"device-{d:D3}.db"),
                    Dimensions = GameCatalog.Dimensions,
                    Clock = () => Now,
                    MaxInteractionLogRows = 100_000,
                });
                engines[d].LoadSnapshot(catalogFile);
            }

            Console.WriteLine($"{devices} devices ({devices / 2} get the fleet model, {devices - (devices / 2)} never do; twin players), {rounds} rounds of {visits} shop visits, 300 items");
            Console.WriteLine("round  fleet clicks/visit  solo clicks/visit  model items  trainer ms  chart");
            var outcome = new List<Interaction>();
            var shelf = new Suggestion[6];
            for (int round = 1; round <= rounds; round++)
            {
                double[] clicks = new double[2];
                int[] visitsBy = new int[2];
                for (int v = 0; v < visits; v++)
                {
                    for (int d = 0; d < devices; d++)
                    {
                        int group = d % 2; // 0 = fleet, 1 = solo
                        var player = group == 0 ? fleetPlayers[d / 2] : soloPlayers[d / 2];
                        Now = Now.AddMinutes(3);
                        int n = engines[d].Suggest(player.Id, shelf);
                        outcome.Clear();
                        player.Respond(new ReadOnlySpan<Suggestion>(shelf, 0, n), Now, outcome);
                        foreach (var x in outcome)
                        {
                            engines[d].Record(x);
                            clicks[group] += x.Kind == InteractionKind.Click ? 1 : 0;
                        }

                        visitsBy[group]++;
                    }
                }

                // Upload: each device exports from its cursor; the cursor advances (and rows are pruned) once the file is in place.
                for (int d = 0; d < devices; d++)
                {
                    string temp = Path.Combine(root, $"device-{d:D3}.part");
                    EventExportResult r;
                    using (var file = File.Create(temp))
                    {
                        r = engines[d].ExportEvents(file, cursors[d], new EventExportOptions { PseudonymKey = pseudonymKey, MaxRows = 100_000 });
                    }

                    File.Move(temp, Path.Combine(uploads, $"device-{d:D3}-{r.FirstId:D8}-{r.Cursor:D8}{FleetSnapshotBuilder.EventFileExtension}"), overwrite: true);
                    cursors[d] = r.Cursor;
                    engines[d].ConfirmExported(r.Cursor);
                }

                // The trainer: all uploads so far -> signed model; the fleet half downloads it.
                var t = Stopwatch.StartNew();
                string model = Path.Combine(root, $"model-{round}.ersnap");
                var report = FleetSnapshotBuilder.Build(uploads, catalogFile, model, new FleetTrainerOptions { Collaborative = new CollaborativeOptions { EaseLambda = 20, MinItemSupport = 2 }, IncludePopularity = a.Get("popularity") != "local" }, keys.PrivateKeyPem);
                long trainerMs = t.ElapsedMilliseconds;
                for (int d = 0; d < devices; d += 2)
                {
                    engines[d].LoadSnapshot(model, trust);
                }

                double fleet = clicks[0] / Math.Max(1, visitsBy[0]), solo = clicks[1] / Math.Max(1, visitsBy[1]);
                Console.WriteLine($"{round,5}  {fleet,18:0.000}  {solo,17:0.000}  {report.ModelItems,11}  {trainerMs,10}  fleet {Bar(fleet)}");
                Console.WriteLine($"{"",5}  {"",18}  {"",17}  {"",11}  {"",10}  solo  {Bar(solo)}");
            }

            foreach (var e in engines)
            {
                e.Dispose();
            }

            Console.WriteLine($"done in {sw.Elapsed.TotalSeconds:0.0} s (round 1 is before any model: twin players on identical engines)");
            return 0;
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    private static DateTimeOffset Now { get; set; } = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static string Bar(double value) => new string('#', (int)Math.Round(value * 40));
}
