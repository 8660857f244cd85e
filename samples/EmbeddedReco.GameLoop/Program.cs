using System.Diagnostics;
using System.Globalization;
using EmbeddedReco;
using EmbeddedReco.GameLoop;
using EmbeddedReco.Simulation;

// EmbeddedReco game-loop demo: a fixed-timestep loop (60 ticks per simulated second) hosting simulated players who open a shop
// every few simulated seconds. On the loop thread: Suggest (caller-owned buffer) and Record; the engine persists in the background.
// Three A/B variants: popularity only, pure exploitation (epsilon 0, lambda 1), epsilon-greedy with diversity.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

const int TicksPerSecond = 60;
const double FrameBudgetMs = 1000.0 / TicksPerSecond;
// Engine allocations count against the 0 B target only after this window of simulated time: every player has made first contact
// by then (a first visit comes within 6 s), and a first contact creates the player's profile, which legitimately allocates.
const int AllocationWarmupSeconds = 10;
var start = new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.Zero);
var simNow = start;

var experiment = new Experiment("shop-policy", new[]
{
    new ExperimentVariant("popularity-only", 1, new VariantSettings(epsilon: 0, diversity: 1, popularityOnly: true)),
    new ExperimentVariant("exploit (eps 0, lambda 1)", 1, new VariantSettings(epsilon: 0, diversity: 1)),
    new ExperimentVariant("explore+diverse (eps 0.1, lambda 0.7)", 1, new VariantSettings(epsilon: 0.1, diversity: 0.7)),
});
var names = experiment.Variants.Select(v => v.Name).ToArray();

var catalog = GameCatalog.Generate(options.Items, options.Seed);
var population = PlayerPopulation.Create(catalog, options.Players, options.Seed);
var players = population.Players;
var variantOf = players.Select(p => experiment.AssignIndex(p.Id)).ToArray();
var playersPerVariant = new int[names.Length];
foreach (int v in variantOf)
{
    playersPerVariant[v]++;
}

string dbPath = options.DatabasePath ?? DefaultDatabasePath(options.Seed);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dbPath))!);
DeleteDatabase(dbPath);
Directory.CreateDirectory(options.OutputFolder);

Console.WriteLine($"EmbeddedReco game loop: {players.Count} players, {catalog.Items.Count} items, {options.SimulatedSeconds} simulated s x {TicksPerSecond} ticks, {(options.Speed == 0 ? "unpaced (--flood: a stress run)" : options.Speed == 1 ? "real time" : $"{options.Speed:0.##}x real time")}");
Console.WriteLine($"Database: {dbPath}");
for (int v = 0; v < names.Length; v++)
{
    Console.WriteLine($"  variant {v}: {names[v]} -> {playersPerVariant[v]} players");
}

using var engine = RecoEngine.Open(new RecoEngineOptions
{
    DatabasePath = dbPath,
    Dimensions = GameCatalog.Dimensions,
    Clock = () => simNow,
    // The shop opens every few seconds here, not once a day: an item a player ignored 3 times rests for 30 simulated seconds
    // (the engine's default of one day would remove it for the whole run).
    Policy = new PolicyOptions { CooldownPeriod = TimeSpan.FromSeconds(options.CooldownSeconds) },
    // The engine assigns each player's variant, applies its settings in Suggest and reports engagement per variant.
    Experiment = experiment,
});
engine.UpsertItems(catalog.ToDefinitions());

var weights = new EngagementWeights();
var policy = new ShopPolicy(engine, experiment);
var schedule = new Random(options.Seed);
var intervalTicks = new int[players.Count];
var nextVisit = new long[players.Count];
for (int p = 0; p < players.Count; p++)
{
    intervalTicks[p] = TicksPerSecond * (2 + schedule.Next(5)); // a shop visit every 2-6 simulated seconds
    nextVisit[p] = schedule.Next(intervalTicks[p]);
}

long totalTicks = (long)options.SimulatedSeconds * TicksPerSecond;
int buckets = (options.SimulatedSeconds + options.BucketSeconds - 1) / options.BucketSeconds;
var timeline = new Timeline(names.Length, buckets, options.BucketSeconds);
var userScore = new double[players.Count];
// Upper bounds, so that the loop's own measuring never allocates: a player opens the shop at most every 2 simulated seconds, and a
// shop open records at most one impression per shelf slot plus a click, a play and a purchase.
int maxShopOpens = (players.Count * (options.SimulatedSeconds / 2 + 2)) + 16;
var suggestLatency = new LatencyRecorder("Suggest", maxShopOpens);
int maxRecords = (int)Math.Min(Array.MaxLength, (long)maxShopOpens * (options.ShelfSize + 3));
var recordLatency = new LatencyRecorder("Record", maxRecords);
// Record split by its place in the frame, and the loop's floor (LoopFloor: a clock read and a ring write timed like Record).
var recordFirstInFrame = new LatencyRecorder("first call of its frame", maxRecords);
var recordLaterInFrame = new LatencyRecorder("later calls", maxRecords);
var floor = new LoopFloor();
var floorLatency = new LatencyRecorder("Loop floor", maxRecords);
var floorFirstInFrame = new LatencyRecorder("first in frame", maxRecords);
var floorLaterInFrame = new LatencyRecorder("later", maxRecords);
var frames = new FrameBudget(FrameBudgetMs);
// Each variant runs a different policy (popularity only; pure relevance; exploration and MMR diversity): one distribution each.
var suggestByVariant = names.Select(n => new LatencyRecorder("  " + n, maxShopOpens)).ToArray();
var seenPairs = new HashSet<(int Player, string Item)>(); // the demo's own bookkeeping, outside the measured calls
var purchasedPairs = new HashSet<(int Player, string Item)>();
long suggestDuringGc = 0, recordDuringGc = 0; // calls during which a collection ran (started by any thread, e.g. the writer's)
long refused = 0; // interactions the engine refused because the write queue was full (a flood; see RecoEngineOptions.MaxPendingWrites)
int maxPending = 0; // the writer's backlog, sampled once per frame
var engineAllocations = new EngineAllocations(AllocationWarmupSeconds);
var shelf = new Suggestion[options.ShelfSize];
var outcome = new List<Interaction>(options.ShelfSize + 8);
long interactions = 0;

// Off-policy log of the exploring variant: every impression with its logged propensity and whether it was clicked, plus
// whether the slot was an exploration pick (Suggestion.Source), to evaluate other epsilons afterwards. Pre-sized.
int exploring = Enumerable.Range(0, names.Length).LastOrDefault(v => (policy.EpsilonOf(v) ?? 0) > 0, -1);
double loggedEpsilon = exploring < 0 ? 0 : policy.EpsilonOf(exploring)!.Value;
var offPolicyLog = new List<LoggedImpression>(exploring < 0 ? 0 : maxShopOpens * options.ShelfSize);
var offPolicyExplored = new List<bool>(offPolicyLog.Capacity);

// Warm-up (as a game would during a loading screen), kept out of every measurement: for every variant, the shop path of a new
// player, the Record path (a few interactions of every kind) and the shop path of a player with a profile; then the engine's
// own Suggest warm-up. ForgetUser removes the warm-up player (profile, shown lists, engagement, log rows) but an item keeps its
// "anonymous contribution" (popularity, impression and engagement counters), so the warm-up records on a temporary catalog item
// (a copy of a real item's features and tags) and removes it afterwards: the loop starts with the catalog, item counters and
// players it would have had without the warm-up, and the A/B numbers stay those of the seed.
const string WarmupItemId = "__warmup__item";
const int WarmupRecordsPerKind = 3;
var warmupTemplate = catalog.Items[0].ToDefinition();
engine.UpsertItem(new ItemDefinition(WarmupItemId, warmupTemplate.Features, warmupTemplate.Tags));
int warmupRecords = 0, warmupForgotten = 0;
for (int v = 0; v < names.Length; v++)
{
    // A warm-up id that the experiment assigns to variant v.
    string warmup = Enumerable.Range(0, 1000).Select(k => $"__warmup__{k}").First(id => experiment.AssignIndex(id) == v);
    for (int i = 0; i < 20; i++)
    {
        policy.Fill(warmup, shelf);
    }

    for (int r = 0; r < WarmupRecordsPerKind; r++)
    {
        foreach (var kind in Enum.GetValues<InteractionKind>())
        {
            double value = kind == InteractionKind.Play ? 60 : kind == InteractionKind.Rating ? 4 : 1;
            engine.Record(new Interaction(warmup, WarmupItemId, kind, value));
            warmupRecords++;
        }
    }

    for (int i = 0; i < 20; i++)
    {
        policy.Fill(warmup, shelf);
    }

    warmupForgotten += engine.ForgetUser(warmup) ? 1 : 0;
}

bool warmupItemRemoved = engine.RemoveItem(WarmupItemId);
engine.Warmup();
engine.Flush(); // the catalog's and the warm-up's writes are committed now: the background writer starts the loop idle
Console.WriteLine($"Warm-up: {names.Length} x 40 shop fills, {warmupRecords} Record calls ({WarmupRecordsPerKind} of each of {Enum.GetValues<InteractionKind>().Length} kinds) on a temporary item, engine.Warmup(); "
    + $"afterwards (checked): {warmupForgotten} of {names.Length} warm-up players forgotten, temporary item removed: {(warmupItemRemoved && !engine.ContainsItem(WarmupItemId) ? "yes" : "NO")}, "
    + $"{engine.UserCount} profiles, {engine.ItemCount} items");

Console.WriteLine();
var wall = Stopwatch.StartNew();
int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (long tick = 0; tick < totalTicks; tick++)
{
    long frameStart = Stopwatch.GetTimestamp();
    long engineTicks = 0; // this frame's time inside engine calls (Suggest + Record)
    bool firstRecord = true; // the next Record is the frame's first
    string? longestCall = null; // this frame's longest engine call, for a frame over budget because of the engine
    long longestCallTicks = 0;
    bool longestCallGc = false;
    bool afterWarmup = tick >= (long)AllocationWarmupSeconds * TicksPerSecond;
    simNow = start.AddTicks(tick * TimeSpan.TicksPerSecond / TicksPerSecond);
    int bucket = (int)(tick / (TicksPerSecond * options.BucketSeconds));
    for (int p = 0; p < players.Count; p++)
    {
        var player = players[p];
        if (tick < nextVisit[p] || !player.IsActive)
        {
            continue;
        }

        nextVisit[p] += intervalTicks[p];
        int variant = variantOf[p];
        long a0 = GC.GetAllocatedBytesForCurrentThread();
        int gcBefore = GC.CollectionCount(0);
        var pauseBefore = GC.GetTotalPauseDuration();
        long t0 = Stopwatch.GetTimestamp();
        int n = policy.Fill(player.Id, shelf);
        long elapsed = Stopwatch.GetTimestamp() - t0;
        long suggestBytes = GC.GetAllocatedBytesForCurrentThread() - a0;
        bool suggestGc = GC.CollectionCount(0) != gcBefore || GC.GetTotalPauseDuration() != pauseBefore;
        suggestDuringGc += suggestGc ? 1 : 0;
        suggestByVariant[variant].Add(elapsed);
        engineAllocations.AddSuggest(suggestBytes, afterWarmup, suggestGc);
        suggestLatency.Add(elapsed);
        engineTicks += elapsed;
        if (elapsed > longestCallTicks)
        {
            (longestCall, longestCallTicks, longestCallGc) = ("Suggest", elapsed, suggestGc);
        }

        outcome.Clear();
        player.Respond(new ReadOnlySpan<Suggestion>(shelf, 0, n), simNow, outcome);
        timeline.Visits[variant, bucket]++;
        foreach (var interaction in outcome)
        {
            // New state: the player's first interaction with the item (a history entry), or the first purchase of it (the item joins
            // the player's consumed set, which grows by doubling).
            bool firstPair = seenPairs.Add((p, interaction.ItemId)) | (interaction.Kind == InteractionKind.Purchase && purchasedPairs.Add((p, interaction.ItemId)));
            long f0 = Stopwatch.GetTimestamp();
            floor.Write(interaction); // the control, timed the same way, right before the Record (see LoopFloor)
            long floorTicks = Stopwatch.GetTimestamp() - f0;
            long ra = GC.GetAllocatedBytesForCurrentThread();
            int recordGcBefore = GC.CollectionCount(0);
            var recordPauseBefore = GC.GetTotalPauseDuration();
            long r0 = Stopwatch.GetTimestamp();
            bool accepted = engine.TryRecord(interaction); // false only when a flood has filled the write queue (MaxPendingWrites)
            long recordTicks = Stopwatch.GetTimestamp() - r0;
            long recordBytes = GC.GetAllocatedBytesForCurrentThread() - ra;
            bool recordGc = GC.CollectionCount(0) != recordGcBefore || GC.GetTotalPauseDuration() != recordPauseBefore;
            engineAllocations.AddRecord(recordBytes, afterWarmup, firstPair, recordGc);
            recordLatency.Add(recordTicks);
            (firstRecord ? recordFirstInFrame : recordLaterInFrame).Add(recordTicks);
            floorLatency.Add(floorTicks);
            (firstRecord ? floorFirstInFrame : floorLaterInFrame).Add(floorTicks);
            firstRecord = false;
            engineTicks += recordTicks;
            if (recordTicks > longestCallTicks)
            {
                (longestCall, longestCallTicks, longestCallGc) = ("Record", recordTicks, recordGc);
            }
            refused += accepted ? 0 : 1;
            recordDuringGc += recordGc ? 1 : 0;
            double w = weights.WeightOf(interaction.Kind, interaction.Value);
            timeline.Add(variant, bucket, interaction, w);
            userScore[p] += w;
        }

        interactions += outcome.Count;
        if (variant == exploring)
        {
            string? clicked = null;
            foreach (var interaction in outcome)
            {
                if (interaction.Kind == InteractionKind.Click)
                {
                    clicked = interaction.ItemId;
                }
            }

            for (int k = 0; k < n; k++)
            {
                offPolicyLog.Add(new LoggedImpression(player.Id, shelf[k].ItemId, shelf[k].Propensity, string.Equals(shelf[k].ItemId, clicked, StringComparison.Ordinal) ? 1 : 0));
                offPolicyExplored.Add(shelf[k].Source == SuggestionSource.Explore);
            }
        }
    }

    if ((tick + 1) % (TicksPerSecond * options.BucketSeconds) == 0 || tick == totalTicks - 1)
    {
        for (int p = 0; p < players.Count; p++)
        {
            timeline.Active[variantOf[p], bucket] += players[p].IsActive ? 1 : 0;
        }
    }

    frames.Add(tick, Stopwatch.GetTimestamp() - frameStart, engineTicks, longestCall, longestCallTicks, longestCallGc);
    maxPending = Math.Max(maxPending, engine.PendingWrites);

    if ((tick + 1) % (TicksPerSecond * 5) == 0)
    {
        Progress(tick + 1);
    }

    if (options.Speed > 0)
    {
        double due = (tick + 1) * 1000.0 / TicksPerSecond / options.Speed;
        double ahead = due - wall.Elapsed.TotalMilliseconds;
        if (ahead > 1)
        {
            Thread.Sleep((int)ahead);
        }
    }
}

long loopAllocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
int dGen0 = GC.CollectionCount(0) - gen0, dGen1 = GC.CollectionCount(1) - gen1, dGen2 = GC.CollectionCount(2) - gen2;
var loopTime = wall.Elapsed;
Console.WriteLine();
var flushWatch = Stopwatch.StartNew();
engine.Flush();
flushWatch.Stop();

// ---- Report -------------------------------------------------------------------------------------------------------------
Console.WriteLine();
Console.WriteLine($"Loop: {totalTicks} ticks in {loopTime.TotalSeconds:0.00} s wall ({totalTicks / loopTime.TotalSeconds:0} ticks/s), {suggestLatency.Count} shop opens, {interactions} interactions recorded; Flush {flushWatch.Elapsed.TotalMilliseconds:0} ms");
Console.WriteLine(suggestLatency.Report("shop fills"));
Console.WriteLine(recordLatency.Report("calls"));
Console.WriteLine(
    $"  Record by its place in the frame: first call ({recordFirstInFrame.Count}) p50 {recordFirstInFrame.Percentile(0.50):0.000} ms, "
    + $"p99 {recordFirstInFrame.Percentile(0.99):0.000} ms ({recordFirstInFrame.TailRatio ?? 0:0.0}x); later calls ({recordLaterInFrame.Count}) "
    + $"p50 {recordLaterInFrame.Percentile(0.50):0.000} ms, p99 {recordLaterInFrame.Percentile(0.99):0.000} ms ({recordLaterInFrame.TailRatio ?? 0:0.0}x)");
Console.WriteLine(
    $"Loop floor (no engine code: a clock read and a 40-byte ring write, timed like Record just before each of the {floor.Writes} Records): "
    + $"p50 {floorLatency.Percentile(0.50) * 1000:0.000} us, p99 {floorLatency.Percentile(0.99) * 1000:0.000} us, p99/p50 = {floorLatency.TailRatio ?? 0:0.0}x "
    + $"(first in frame: p50 {floorFirstInFrame.Percentile(0.50) * 1000:0.000} us; later: p50 {floorLaterInFrame.Percentile(0.50) * 1000:0.000} us): "
    + "the p99/p50 this loop gives any call");
foreach (var byVariant in suggestByVariant)
{
    Console.WriteLine(byVariant.Report("fills"));
}

Console.WriteLine($"Calls during which a garbage collection ran (any thread's: the engine's writer allocates in LiteDB): Suggest {suggestDuringGc}, Record {recordDuringGc}");
Console.WriteLine($"Write queue: at most {maxPending} writes waited for the writer (sampled each frame; bound MaxPendingWrites {new RecoEngineOptions().MaxPendingWrites}); {refused} interactions refused{(refused > 0 ? " (a flood filled the queue: TryRecord returned false, nothing was changed)" : "")}");
foreach (string line in frames.Report(TicksPerSecond))
{
    Console.WriteLine(line);
}

foreach (string line in engineAllocations.Report(loopAllocated))
{
    Console.WriteLine(line);
}

Console.WriteLine($"GC collections during the loop: gen0 {dGen0}, gen1 {dGen1}, gen2 {dGen2}");
Console.WriteLine();

var perVariantScores = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
for (int v = 0; v < names.Length; v++)
{
    var list = new List<double>();
    for (int p = 0; p < players.Count; p++)
    {
        if (variantOf[p] == v)
        {
            list.Add(userScore[p]);
        }
    }

    perVariantScores[names[v]] = list;
}

var report = ExperimentStatistics.Report(experiment, perVariantScores);
Console.WriteLine($"{"variant",-40} {"players",7} {"active",7} {"CTR",7} {"conv",7} {"play min/pl",11} {"engagement/player [95% CI]",30} {"lift",8} {"p (Welch)",10}");
for (int v = 0; v < names.Length; v++)
{
    long imp = 0, clk = 0, pur = 0;
    double play = 0;
    for (int b = 0; b < buckets; b++)
    {
        imp += timeline.Impressions[v, b];
        clk += timeline.Clicks[v, b];
        pur += timeline.Purchases[v, b];
        play += timeline.PlaySeconds[v, b];
    }

    var c = report[v];
    string ci = $"{c.Treatment.Mean:0.00} [{c.Treatment.Lower95:0.00}, {c.Treatment.Upper95:0.00}]";
    string lift = v == 0 ? "control" : $"{c.Lift:+0%;-0%}";
    string pValue = v == 0 ? "" : c.PValue < 0.0001 ? "<0.0001" : c.PValue.ToString("0.0000", CultureInfo.InvariantCulture);
    Console.WriteLine($"{names[v],-40} {playersPerVariant[v],7} {timeline.Active[v, buckets - 1],7} {(imp == 0 ? 0 : (double)clk / imp),7:0.000} {(imp == 0 ? 0 : (double)pur / imp),7:0.0000} {play / 60 / Math.Max(1, playersPerVariant[v]),11:0.0} {ci,30} {lift,8} {pValue,10}");
}

int best = Enumerable.Range(0, names.Length).OrderByDescending(v => report[v].Treatment.Mean).First();
Console.WriteLine();
Console.WriteLine($"Headline: '{names[best]}' has the highest engagement per player ({report[best].Treatment.Mean:0.00}); "
    + string.Join("; ", Enumerable.Range(1, names.Length - 1).Select(v => $"{names[v]} vs control: {report[v].Lift:+0%;-0%} (p{(report[v].PValue < 0.0001 ? "<0.0001" : "=" + report[v].PValue.ToString("0.0000", CultureInfo.InvariantCulture))})")));

var diverseVsExploit = ExperimentStatistics.Compare(report[1].Treatment, report[2].Treatment);
Console.WriteLine($"Filter bubble: {names[2]} vs {names[1]}: lift {diverseVsExploit.Lift:+0.0%;-0.0%}, Welch t={diverseVsExploit.TStatistic:0.00}, df={diverseVsExploit.DegreesOfFreedom:0.0}, p={diverseVsExploit.PValue:0.0000}; "
    + $"players still active at the end: {timeline.Active[1, buckets - 1]}/{playersPerVariant[1]} vs {timeline.Active[2, buckets - 1]}/{playersPerVariant[2]}");

if (exploring >= 0 && offPolicyLog.Count > 0)
{
    // Candidate: the same shop with another epsilon eps'. Slot by slot (ignoring how earlier slots shift the greedy queue), the
    // engine's logged propensity is (1 - eps) for a greedy pick and eps x w / W for an exploration pick, so the candidate's
    // probability of the same pick is (1 - eps') and eps' x w / W = propensity x eps' / eps; a slot logged with probability 1
    // (nothing left to choose between) stays 1.
    Console.WriteLine();
    Console.WriteLine($"Off-policy estimates from {offPolicyLog.Count} logged impressions of '{names[exploring]}' (observed CTR {offPolicyLog.Average(r => r.Reward):0.0000}):");
    foreach (double candidateEpsilon in new[] { 0.0, loggedEpsilon / 2, Math.Min(1, loggedEpsilon * 3) })
    {
        int i = 0;
        var estimate = OffPolicyEstimator.Estimate(offPolicyLog, r =>
        {
            bool explored = offPolicyExplored[i++]; // the estimator walks the log in order
            return r.Propensity >= 1 ? 1 : explored ? r.Propensity * candidateEpsilon / loggedEpsilon : 1 - candidateEpsilon;
        }, maxWeight: 50);
        Console.WriteLine($"  epsilon {candidateEpsilon:0.00}: IPS CTR {estimate.Ips:0.0000}, SNIPS CTR {estimate.SelfNormalizedIps:0.0000} (effective sample {estimate.EffectiveSampleSize:0}, clipped {estimate.ClippedCount})");
    }
}

string csv = Path.Combine(options.OutputFolder, "engagement.csv");
string svg = Path.Combine(options.OutputFolder, "engagement.svg");
Charts.WriteCsv(csv, timeline, names, playersPerVariant);
Charts.WriteSvg(svg, timeline, names, playersPerVariant,
    $"EmbeddedReco game loop: {players.Count} simulated players, {catalog.Items.Count} items, seed {options.Seed}");
Console.WriteLine($"Wrote {svg}");
Console.WriteLine($"Wrote {csv}");
return 0;

void Progress(long ticksDone)
{
    double simSeconds = ticksDone / (double)TicksPerSecond;
    int active = population.ActiveCount;
    Console.Write($"\r  t={simSeconds,6:0} s  shop opens {suggestLatency.Count,7}  interactions {interactions,8}  active players {active,5}/{players.Count}  wall {wall.Elapsed.TotalSeconds,5:0.0} s   ");
}

static string DefaultDatabasePath(int seed)
{
    string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
    if (string.IsNullOrEmpty(root))
    {
        root = Path.GetTempPath();
    }

    return Path.Combine(root, "EmbeddedReco.GameLoop", $"gameloop-seed{seed}.db");
}

static void DeleteDatabase(string path)
{
    foreach (string file in new[] { path, Path.ChangeExtension(path, null) + "-log" + Path.GetExtension(path) })
    {
        if (File.Exists(file))
        {
            File.Delete(file);
        }
    }
}
