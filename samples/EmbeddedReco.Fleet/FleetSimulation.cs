using System.Diagnostics;
using EmbeddedReco.Cli;
using EmbeddedReco.Fleet;
using EmbeddedReco.Simulation;

namespace EmbeddedReco.FleetSample;

/// <summary>
/// N devices, each its own engine on its own database file with one simulated player. Every round each player visits the shop a
/// few times; each device exports its new events (from its cursor) into the upload folder and confirms them; the trainer builds a
/// signed model from all uploads; the "fleet" half of the devices downloads and loads it, the "solo" half never gets a model.
/// From round 2 on, new players install the game every round (twins again): a fleet newcomer starts from the latest fleet model
/// (the fleet's popularity and item-item model: the cold-start path), a solo newcomer from the bare catalog.
/// </summary>
internal static class FleetSimulation
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        a.OnlyKnown("devices", "rounds", "visits", "newcomers", "seed", "hidden-taste", "popularity");
        int devices = a.Int("devices", 40) / 2 * 2, rounds = a.Int("rounds", 5), visits = a.Int("visits", 12), seed = a.Int("seed", 42);
        int newcomers = a.Int("newcomers", 20) / 2 * 2;
        string popularity = a.Get("popularity") ?? "fleet";
        if (popularity is not "fleet" and not "local")
        {
            throw new ArgumentException($"--popularity must be fleet or local, not '{popularity}'.");
        }

        var traits = new PlayerTraits { HiddenTasteWeight = a.Double("hidden-taste", 0.5) };
        var sw = Stopwatch.StartNew();
        string root = Path.Combine(Path.GetTempPath(), "reco-fleet-" + Guid.NewGuid().ToString("N"));
        string uploads = Directory.CreateDirectory(Path.Combine(root, "uploads")).FullName;
        try
        {
            var catalog = GameCatalog.Generate(300, seed);
            // Twins: the fleet half and the solo half get identical simulated players (same seed), so the rounds compare like with like.
            var fleetPlayers = PlayerPopulation.Create(catalog, devices / 2, seed, traits).Players;
            var soloPlayers = PlayerPopulation.Create(catalog, devices / 2, seed, traits).Players;
            var keys = ModelSigning.GenerateKeyPair(2048); // the build server's key; devices get the public half
            var trust = new SnapshotOptions { TrustedPublicKeys = new[] { keys.PublicKeyPem } };
            string catalogFile = Path.Combine(root, "catalog.ersnap");
            using (var studio = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = GameCatalog.Dimensions }))
            {
                studio.UpsertItems(catalog.ToDefinitions());
                studio.SaveSnapshot(catalogFile);
            }

            var engines = new List<RecoEngine>();
            var cursors = new List<long>();
            var players = new List<SimulatedPlayer>();
            var pseudonymKey = new byte[32];
            new Random(seed).NextBytes(pseudonymKey);
            for (int d = 0; d < devices; d++)
            {
                engines.Add(OpenDevice(root, engines.Count, catalogFile, null));
                cursors.Add(0);
                players.Add(d % 2 == 0 ? fleetPlayers[d / 2] : soloPlayers[d / 2]);
            }

            string? latestModel = null;

            Console.WriteLine($"{devices} devices ({devices / 2} get the fleet model, {devices - (devices / 2)} never do; twin players), {rounds} rounds of {visits} shop visits, 300 items; from round 2, {newcomers} new players a round (half start from the fleet model)");
            Console.WriteLine("round  fleet clicks/visit  solo clicks/visit  newcomers fleet/solo  shelf appeal fleet/solo  model items  trainer ms  chart");
            var outcome = new List<Interaction>();
            double newFleetClicks = 0, newSoloClicks = 0;
            int newVisits = 0;
            var shelf = new Suggestion[6];
            for (int round = 1; round <= rounds; round++)
            {
                int firstNewcomer = engines.Count;
                if (round > 1 && newcomers > 0)
                {
                    // Twin newcomers (their own seed per round): the fleet one installs the latest model, the solo one the bare catalog.
                    var newFleet = PlayerPopulation.Create(catalog, newcomers / 2, seed + (1000 * round), traits).Players;
                    var newSolo = PlayerPopulation.Create(catalog, newcomers / 2, seed + (1000 * round), traits).Players;
                    for (int k = 0; k < newcomers; k++)
                    {
                        bool fleetSide = k % 2 == 0;
                        engines.Add(OpenDevice(root, engines.Count, fleetSide ? latestModel! : catalogFile, fleetSide ? trust : null));
                        cursors.Add(0);
                        players.Add(fleetSide ? newFleet[k / 2] : newSolo[k / 2]);
                    }
                }

                // Groups: 0 = fleet, 1 = solo (established players); 2 = fleet newcomers, 3 = solo newcomers (this round's installs).
                double[] clicks = new double[4];
                double[] appeal = new double[4]; // the simulator's truth: mean appeal of the shelf shown, before any click randomness
                int[] visitsBy = new int[4];
                for (int v = 0; v < visits; v++)
                {
                    for (int d = 0; d < engines.Count; d++)
                    {
                        int group = (d % 2) + (d >= firstNewcomer ? 2 : 0);
                        var player = players[d];
                        Now = Now.AddMinutes(3);
                        int n = engines[d].Suggest(player.Id, shelf);
                        appeal[group] += MeanAppeal(catalog, player, shelf.AsSpan(0, n));
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
                for (int d = 0; d < engines.Count; d++)
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
                var report = FleetSnapshotBuilder.Build(uploads, catalogFile, model, new FleetTrainerOptions { Collaborative = new CollaborativeOptions { EaseLambda = 20, MinItemSupport = 2 }, IncludePopularity = popularity == "fleet" }, keys.PrivateKeyPem);
                long trainerMs = t.ElapsedMilliseconds;
                for (int d = 0; d < engines.Count; d += 2)
                {
                    engines[d].LoadSnapshot(model, trust);
                }

                latestModel = model;
                double fleet = clicks[0] / Math.Max(1, visitsBy[0]), solo = clicks[1] / Math.Max(1, visitsBy[1]);
                string fresh = visitsBy[2] == 0 ? "-" : $"{clicks[2] / visitsBy[2]:0.000}/{clicks[3] / Math.Max(1, visitsBy[3]):0.000}";
                newFleetClicks += clicks[2];
                newSoloClicks += clicks[3];
                newVisits += visitsBy[2];
                string shelfAppeal = $"{appeal[0] / Math.Max(1, visitsBy[0]):0.000}/{appeal[1] / Math.Max(1, visitsBy[1]):0.000}";
                Console.WriteLine($"{round,5}  {fleet,18:0.000}  {solo,17:0.000}  {fresh,20}  {shelfAppeal,23}  {report.ModelItems,11}  {trainerMs,10}  fleet {Bar(fleet)}");
                Console.WriteLine($"{"",5}  {"",18}  {"",17}  {"",20}  {"",23}  {"",11}  {"",10}  solo  {Bar(solo)}");
            }

            foreach (var e in engines)
            {
                e.Dispose();
            }

            if (newVisits > 0)
            {
                double nf = newFleetClicks / newVisits, ns = newSoloClicks / newVisits;
                Console.WriteLine($"newcomers' first round, all rounds: fleet {nf:0.000} vs solo {ns:0.000} clicks/visit ({(ns > 0 ? (nf / ns) - 1 : 0):+0%;-0%}) over {newVisits} visits each side");
            }

            Console.WriteLine($"done in {sw.Elapsed.TotalSeconds:0.0} s (round 1 is before any model: twin players on identical engines)");
            return 0;
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>A device: its own engine on its own database file, installed from <paramref name="snapshot"/> (the catalog or a model).</summary>
    private static RecoEngine OpenDevice(string root, int index, string snapshot, SnapshotOptions? trust)
    {
        var engine = RecoEngine.Open(new RecoEngineOptions
        {
            DatabasePath = Path.Combine(root, $"device-{index:D3}.db"),
            Dimensions = GameCatalog.Dimensions,
            Clock = () => Now,
            MaxInteractionLogRows = 100_000,
        });
        engine.LoadSnapshot(snapshot, trust);
        return engine;
    }

    private static DateTimeOffset Now { get; set; } = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The mean of the simulator's hidden appeal over a shelf (0 for an empty one).</summary>
    private static double MeanAppeal(GameCatalog catalog, SimulatedPlayer player, ReadOnlySpan<Suggestion> shelf)
    {
        double sum = 0;
        foreach (var s in shelf)
        {
            sum += catalog.TryGet(s.ItemId, out var item) ? player.Appeal(item) : 0;
        }

        return shelf.Length == 0 ? 0 : sum / shelf.Length;
    }

    private static string Bar(double value) => new string('#', (int)Math.Round(value * 40));
}
