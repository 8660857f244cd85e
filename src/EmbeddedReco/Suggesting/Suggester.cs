using System;
using System.Collections.Concurrent;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Policy;
using EmbeddedReco.Profiles;
using EmbeddedReco.Scoring;
using EmbeddedReco.State;

namespace EmbeddedReco.Suggesting;

/// <summary>
/// The path of one <c>Suggest</c> through the rooms: catalog, profiles and model read as one consistent set (<see cref="LiveState"/>);
/// 1. the player's state, copied under the player's own lock (<see cref="UserState.ReadForSuggest"/>); 2. the scorers, blended
/// (<see cref="PlayerScoring"/>); 3-7. the list policy (<see cref="SuggestPolicy"/>); then the suggestions with their
/// breakdowns, and 8. the list remembered as shown. No I/O, no engine-wide lock; allocation-free in steady state unless asked to explain.
/// </summary>
internal sealed class Suggester
{
    /// <summary>The most players one shared catalog pass serves (<see cref="SuggestMany"/>).</summary>
    public const int MaxBatch = 8;

    /// <summary>Warmup's player: not a valid id (a control character), so no host's player can be touched.</summary>
    private const string WarmupPlayer = "\u0001warmup";

    /// <summary>Warmup's repetitions of each path (beyond the runtime's tiering threshold of 30 calls) and their time budget.</summary>
    private const int WarmupCalls = 32;

    /// <inheritdoc cref="WarmupCalls"/>
    private const int WarmupBudgetMs = 250;

    /// <summary>The pause between warm-up rounds: past the runtime's call-counting delay (100 ms by default).</summary>
    private const int WarmupSettleMs = 120;

    /// <summary>The longest a warm-up keeps adding rounds (the last round may end after it).</summary>
    private const int WarmupMaxMs = 1500;

    /// <summary>The exploration of the warm-up's exploring calls: high enough that nearly every list takes an exploration pick.</summary>
    private const double WarmupEpsilon = 0.5;

    /// <summary>The MMR lambda of the warm-up's exploring calls (any value below 1 runs MMR's passes).</summary>
    private const double WarmupDiversity = 0.5;

    /// <summary>Warmup's calls: a seeded preview, not remembered as shown.</summary>
    private static readonly SuggestOptions WarmupOptions = new SuggestOptions { Seed = 0, MarkShown = false };

    private readonly LiveState _state;
    private readonly PlayerScoring _scoring;
    private readonly SuggestPolicy _policy;
    private readonly PolicyOptions _policyOptions;
    private readonly Experiment? _experiment;
    private readonly Func<DateTimeOffset> _clock;
    private readonly int _scorers;

    public Suggester(LiveState state, PlayerScoring scoring, SuggestPolicy policy, RecoEngineOptions options, int scorers)
    {
        _state = state;
        _scoring = scoring;
        _policy = policy;
        _policyOptions = options.Policy;
        _experiment = options.Experiment;
        _clock = options.Clock;
        _scorers = scorers;
    }

    /// <summary>The list policy (its shared state, such as the exploration pool's new-item list, for tests).</summary>
    internal SuggestPolicy Policy => _policy;

    /// <summary>
    /// Writes the list into <paramref name="destination"/> and returns its length. <paramref name="shownAtTicks"/> is the time to
    /// record the list as impressions at (<see cref="PolicyOptions.RecordShownAsImpressions"/>), or 0 when it is not to be recorded.
    /// </summary>
    public int Suggest(string userId, Span<Suggestion> destination, SuggestOptions? options, bool explain, out long shownAtTicks)
    {
        shownAtTicks = 0;

        // The catalog's arrays are used outside any lock: entered, so a snapshot load cannot recycle them meanwhile.
        var catalog = _state.EnterConsistent(out var users, out var trained);
        try
        {
            return catalog.Count == 0 ? 0 : SuggestFrom(catalog, users, trained, userId, destination, options, explain, out shownAtTicks);
        }
        finally
        {
            catalog.Exit();
        }
    }

    /// <summary>
    /// Lists for up to <see cref="MaxBatch"/> distinct players (<see cref="BatchLength"/>): player i's list goes to
    /// <c>destination.Slice(i * perPlayer, perPlayer)</c> and its length to <paramref name="counts"/>[i]; a list to be recorded as
    /// impressions is recorded through <paramref name="recorder"/> before the next player's is built. The
    /// players' profiles are read first and the catalog is scanned once for all of them (<see cref="ContentScan.ScanMany"/>); then
    /// each player's list is built exactly as a single call builds it, from the shared scan's scores.
    /// </summary>
    public void SuggestMany(ReadOnlySpan<string> userIds, Span<Suggestion> destination, int perPlayer, Span<int> counts, SuggestOptions? options, bool explain, IShownRecorder recorder)
    {
        var catalog = _state.EnterConsistent(out var users, out var trained);
        try
        {
            if (catalog.Count == 0)
            {
                counts.Slice(0, userIds.Length).Clear();
                return;
            }

            var batch = BatchScratch.For(catalog.Count, catalog.Dimensions);
            int slots = ReadProfiles(catalog, users, userIds, batch);
            if (slots > 0)
            {
                ContentScan.ScanMany(catalog, slots, batch.Queries, batch.QueryCodes, batch.Raws, batch.Mins, batch.Maxs, catalog.Count);
            }

            var scratch = SuggestScratch.For(catalog.Count, catalog.Dimensions, _scorers);
            try
            {
                for (int i = 0; i < userIds.Length; i++)
                {
                    int slot = batch.SlotOfPlayer[i];
                    scratch.PrecomputedContent = slot >= 0 ? batch.Raws[slot] : null;
                    scratch.PrecomputedMin = slot >= 0 ? batch.Mins[slot] : 0f;
                    scratch.PrecomputedMax = slot >= 0 ? batch.Maxs[slot] : 0f;
                    var list = destination.Slice(i * perPlayer, perPlayer);
                    counts[i] = SuggestFrom(catalog, users, trained, userIds[i], list, options, explain, out long shownAt);
                    if (shownAt != 0)
                    {
                        recorder.RecordShown(userIds[i], list.Slice(0, counts[i]), shownAt); // before the next player, as single calls
                    }
                }
            }
            finally
            {
                scratch.PrecomputedContent = null;
            }
        }
        finally
        {
            catalog.Exit();
        }
    }

    /// <summary>
    /// Compiles the hot paths and sizes this thread's scratch for the current catalog: builds two lists that are not remembered
    /// (a seeded preview, <see cref="SuggestOptions.MarkShown"/> false) for a player no host can have, once as a newcomer
    /// (popularity, policy) and once with the catalog's first row as profile (the catalog scan, blend, rescoring, MMR), each with
    /// the given options and with exploration and diversity forced on and off (<see cref="WarmupPaths"/>), then
    /// repeats both in rounds past the runtime's tiering threshold. On .NET, where code is compiled twice (a quick first tier,
    /// then an optimized one in the background once a method has run 30 times after a 100 ms quiet period), the rounds are
    /// <see cref="WarmupSettleMs"/> apart and end after two rounds that compiled nothing new (at most <see cref="WarmupMaxMs"/>): the host's
    /// first calls then run the optimized code, not the first tier. Changes no state: no player, shown list, seed stream or
    /// counter. <paramref name="options"/>: the calls' options (null: a seeded preview with every scorer; the background warm-up
    /// passes one that turns host scorers off). The catalog is entered per round, not across the pauses. <paramref name="keepGoing"/>
    /// is asked before each further round (the background warm-up stops when its engine is disposed).
    /// </summary>
    public void Warmup(SuggestOptions? options = null, Func<bool>? keepGoing = null)
    {
        options ??= WarmupOptions;
        var paths = WarmupPaths(options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!WarmupRound(paths, first: true))
        {
            return;
        }

        // Two quiet rounds in a row end it: the first quiet pause lets the runtime's call-counting delay expire (any first-tier
        // compilation anywhere in the process restarts that delay), so the round after it is counted; if that round promotes
        // nothing either, the path runs its final code.
        long compiled = CompiledMethods();
        int quiet = 0;
        while (compiled >= 0 && quiet < 2 && clock.ElapsedMilliseconds < WarmupMaxMs)
        {
            Thread.Sleep(WarmupSettleMs);
            if ((keepGoing is not null && !keepGoing()) || !WarmupRound(paths, first: false))
            {
                return;
            }

            long now = CompiledMethods();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }
    }

    /// <summary>
    /// The options of the warm-up's calls: the given ones (the warm-up player's variant or the engine's policy), then with
    /// exploration and diversity on (the exploration pool, its new-item walk, MMR) and with both off (pure relevance), so every
    /// path of the list policy is compiled whatever the experiment assigns the warm-up player or the engine's policy sets.
    /// </summary>
    private static SuggestOptions[] WarmupPaths(SuggestOptions options) =>
        new[] { options, options.WithPolicy(WarmupEpsilon, WarmupDiversity), options.WithPolicy(0, 1) };

    /// <summary>One warm-up round over <paramref name="paths"/>; false when the catalog is empty.</summary>
    private bool WarmupRound(SuggestOptions[] paths, bool first)
    {
        var catalog = _state.EnterConsistent(out var users, out var trained);
        try
        {
            if (catalog.Count == 0)
            {
                return false;
            }

            var buffer = new Suggestion[Math.Min(catalog.Count, 10)];
            if (first)
            {
                var scratch = SuggestScratch.For(catalog.Count, catalog.Dimensions, _scorers);
                scratch.PrecomputedContent = null;
                SuggestFrom(catalog, users, trained, WarmupPlayer, buffer, paths[0], explain: true, out _, warmupProfile: true);
                _policy.MarkShown(new RecentLists(), buffer); // the shown-list memory's path, on a throwaway list memory (not stored)
            }

            // Past the runtime's call-count threshold (30); bounded in time for a huge catalog (a call then costs tens of
            // milliseconds, and the kernels are optimized from their first call anyway).
            var budget = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < WarmupCalls && budget.ElapsedMilliseconds < WarmupBudgetMs; i++)
            {
                foreach (var options in paths)
                {
                    SuggestFrom(catalog, users, trained, WarmupPlayer, buffer, options, explain: false, out _, warmupProfile: false);
                    SuggestFrom(catalog, users, trained, WarmupPlayer, buffer, options, explain: false, out _, warmupProfile: true);
                }
            }

            return true;
        }
        finally
        {
            catalog.Exit();
        }
    }

    /// <summary>Methods the runtime has compiled so far (all threads), or -1 where it cannot tell (netstandard2.1: Mono has one tier).</summary>
    private static long CompiledMethods()
    {
#if NET
        return System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
#else
        return -1;
#endif
    }

    /// <summary>
    /// The argument rules of <c>RecoEngine.SuggestMany</c>: at least one slot per player, one count per player, every id valid.
    /// Throws before anything is suggested.
    /// </summary>
    public static void CheckBatch(ReadOnlySpan<string> userIds, Span<Suggestion> destination, Span<int> counts, int maxIdBytes)
    {
        int players = userIds.Length;
        if (destination.Length < players)
        {
            throw new ArgumentException($"The destination buffer must have room for at least one suggestion per player ({players} players, {destination.Length} slots).", nameof(destination));
        }

        if (counts.Length < players)
        {
            throw new ArgumentException($"counts must have one entry per player ({players} players, {counts.Length} entries).", nameof(counts));
        }

        for (int i = 0; i < players; i++)
        {
            Diagnostics.Guard.Id(userIds[i], nameof(userIds), maxIdBytes, "user");
        }
    }

    /// <summary>
    /// Serves checked arguments batch by batch (<see cref="BatchLength"/>): player i's list goes to
    /// <c>destination.Slice(i * perPlayer, perPlayer)</c> with <c>perPlayer = destination.Length / userIds.Length</c>.
    /// </summary>
    public void SuggestBatches(ReadOnlySpan<string> userIds, Span<Suggestion> destination, Span<int> counts, SuggestOptions? options, IShownRecorder recorder)
    {
        int players = userIds.Length;
        if (players == 0)
        {
            return;
        }

        int perPlayer = destination.Length / players;
        bool explain = options?.Explain ?? false;
        for (int start = 0; start < players;)
        {
            int batch = BatchLength(userIds.Slice(start));
            SuggestMany(userIds.Slice(start, batch), destination.Slice(start * perPlayer, batch * perPlayer), perPlayer, counts.Slice(start, batch), options, explain, recorder);
            start += batch;
        }
    }

    /// <summary>
    /// How many of <paramref name="userIds"/> (from the start) one shared scan serves: at most <see cref="MaxBatch"/>, and no id
    /// twice (a repeated player's second list depends on the first one, so it starts the next batch).
    /// </summary>
    public static int BatchLength(ReadOnlySpan<string> userIds)
    {
        int length = 0;
        while (length < userIds.Length && length < MaxBatch)
        {
            for (int j = 0; j < length; j++)
            {
                if (string.Equals(userIds[j], userIds[length], StringComparison.Ordinal))
                {
                    return length;
                }
            }

            length++;
        }

        return length;
    }

    /// <summary>Reads the profile of each player of a batch into the batch scratch; returns how many have one (scan slots).</summary>
    private int ReadProfiles(CatalogSnapshot catalog, ConcurrentDictionary<string, UserState> users, ReadOnlySpan<string> userIds, BatchScratch batch)
    {
        int slots = 0;
        long now = _clock().UtcTicks;
        for (int i = 0; i < userIds.Length; i++)
        {
            batch.SlotOfPlayer[i] = -1;
            if (!users.TryGetValue(userIds[i], out var user))
            {
                continue;
            }

            var query = batch.Queries[slots].AsSpan(0, catalog.Dimensions);
            // Only the profile is used here (each list re-reads the player's state); the history and exclusions are discarded.
            var read = user.ReadForSuggest(query, ref batch.History, ref batch.Excluded, catalog, now, includeConsumed: true);
            if (read.HasProfile && VectorKernels.NormalizeInto(query, query) != 0)
            {
                batch.GrowRaw(slots, catalog.Count);
                batch.SlotOfPlayer[i] = slots;
                slots++;
            }
        }

        return slots;
    }

    private int SuggestFrom(
        CatalogSnapshot catalog,
        ConcurrentDictionary<string, UserState> users,
        TrainedModel? trained,
        string userId,
        Span<Suggestion> destination,
        SuggestOptions? options,
        bool explain,
        out long shownAtTicks,
        bool warmupProfile = false)
    {
        var settings = SuggestSettings.Resolve(_policyOptions, _experiment, userId, options);
        int n = catalog.Count;
        int count = Math.Min(destination.Length, n);
        long now = _clock().UtcTicks;
        var scratch = SuggestScratch.For(n, catalog.Dimensions, _scorers);
        var policyScratch = PolicyScratch.For(_policy.CandidateCount(n, count), count, catalog.Dimensions, n, count * _policyOptions.RecentLists);

        // 1. The player's state.
        Span<float> query = scratch.Query.AsSpan(0, catalog.Dimensions);
        UserState? user = null;
        if (!warmupProfile)
        {
            users.TryGetValue(userId, out user);
        }

        // The rows this player has seen, stamped while their state is read (for the exploration pool's unseen rule).
        int seenStamp = user is not null ? policyScratch.Seen.Next() : 0;
        var player = user?.ReadForSuggest(query, ref scratch.History, ref scratch.ExcludedRows, catalog, now, settings.IncludeConsumed, seenStamp > 0 ? policyScratch.Seen.Marks : null, seenStamp) ?? default;
        policyScratch.SeenStamp = seenStamp;
        if (warmupProfile)
        {
            catalog.Row(0).CopyTo(query);
        }

        bool hasProfile = (player.HasProfile || warmupProfile) && VectorKernels.NormalizeInto(query, query) != 0;

        // 2. Scorers, blended.
        Span<float> blended = scratch.Blended.AsSpan(0, n);
        _scoring.Score(catalog, trained, userId, hasProfile ? query : ReadOnlySpan<float>.Empty, player, in settings, now, scratch, blended);

        // 3-7. The list policy.
        var request = new PolicyRequest
        {
            Catalog = catalog,
            Blended = blended,
            ExcludedRows = new ReadOnlySpan<int>(scratch.ExcludedRows, 0, player.ExcludedCount),
            Recent = settings.Seed is null || settings.MarkShown ? _state.Players.GetOrAddRecent(userId) : _state.Players.FindRecent(userId),
            UserId = userId,
            Positives = player.Positives,
            HasProfile = hasProfile,
            Count = count,
            Rescorer = catalog.Quantized is not null && scratch.ContentIndex >= 0 ? scratch.Rescorer.Begin(_scoring, catalog, scratch) : null,
        };
        int written = _policy.Select(in request, in settings, policyScratch, out int penalized);
        float penalty = -(float)_policyOptions.RecentListPenalty;
        for (int i = 0; i < written; i++)
        {
            var pick = policyScratch.Picks[i];
            bool wasPenalized = Array.IndexOf(policyScratch.PenalizedRows, pick.Row, 0, penalized) >= 0;
            destination[i] = _scoring.ToSuggestion(catalog, pick, blended, explain ? scratch : null, wasPenalized ? penalty : 0f, settings.Variant);
        }

        // 8. Remember the list as shown.
        bool shown = written > 0 && settings.MarkShown;
        if (shown)
        {
            _policy.MarkShown(request.Recent!, destination.Slice(0, written), new ReadOnlySpan<PolicyPick>(policyScratch.Picks, 0, written), catalog.Generation);
        }

        shownAtTicks = shown && _policyOptions.RecordShownAsImpressions ? now : 0;
        return written;
    }
}
