using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using EmbeddedReco.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Scoring;

/// <summary>
/// Runs the registered scorers for one call, contains their faults, normalizes and blends their outputs:
/// blended[i] = sum over active scorers s of weight_s x normalized_s[i]; an item any scorer excluded is NaN (never selected).
/// Normalized per-scorer values stay in the scratch so the breakdown of a selected item can be reported.
/// </summary>
/// <remarks>
/// Fault rule (docs/plugins.md): a throw or a NaN/infinity output is a fault at once and the call's output is dropped. A call
/// over its time budget is a suspect: its valid results are kept, and it becomes a fault (dropped) only when the scorer is over
/// budget again on its next <see cref="ScorerCollection.SlowCallConfirmations"/> calls. An over-budget call during which a garbage
/// collection ran is excused unless the previous call was over budget too. <see cref="ScorerCollection.FaultLimit"/> faults within
/// <see cref="ScorerCollection.FaultWindow"/> disable the scorer for <see cref="ScorerCollection.RecoveryPeriod"/> (engine clock),
/// after which it comes back on probation. Nothing on the no-fault path allocates.
/// </remarks>
internal sealed class ScoringPipeline
{
    private const int MaxRecoveryDoublings = 4; // a relapse on probation doubles the period, up to 16 x RecoveryPeriod

    private static readonly int MaxGeneration = GC.MaxGeneration;

    private readonly Entry[] _entries;
    private readonly int _faultLimit;
    private readonly long _faultWindowTicks;
    private readonly int _slowCallConfirmations;
    private readonly long _recoveryTicks; // 0 = never re-enabled on its own
    private readonly long _maxRecoveryTicks;
    private readonly ILogger _logger;
    private readonly int _popularityIndex;

    public ScoringPipeline(ScorerCollection scorers, ILogger logger)
    {
        var list = new List<Entry>();
        foreach (var r in scorers)
        {
            list.Add(new Entry(r, scorers.FaultLimit));
        }

        _entries = list.ToArray();
        _faultLimit = scorers.FaultLimit;
        _faultWindowTicks = scorers.FaultWindow.Ticks;
        _slowCallConfirmations = scorers.SlowCallConfirmations;
        _recoveryTicks = scorers.RecoveryPeriod == Timeout.InfiniteTimeSpan ? 0 : scorers.RecoveryPeriod.Ticks;
        _maxRecoveryTicks = _recoveryTicks > long.MaxValue >> MaxRecoveryDoublings ? long.MaxValue : _recoveryTicks << MaxRecoveryDoublings;
        _logger = logger;
        _popularityIndex = Array.FindIndex(_entries, e => e.Registration.Role == ScorerRole.Popularity);
    }

    public int Count => _entries.Length;

    /// <summary>Weight 0 for every host scorer (role <see cref="ScorerRole.Plugin"/>), so a call skips them; null when none is registered.</summary>
    public IReadOnlyDictionary<string, double>? PluginsOff()
    {
        Dictionary<string, double>? off = null;
        foreach (var e in _entries)
        {
            if (e.Registration.Role == ScorerRole.Plugin)
            {
                (off ??= new Dictionary<string, double>(StringComparer.Ordinal))[e.Name] = 0;
            }
        }

        return off;
    }

    public string Name(int index) => _entries[index].Name;

    /// <summary>
    /// Runs every enabled scorer with a non-zero weight, then blends. When the collaborative scorer spoke, the content weight is
    /// multiplied by <paramref name="contentScale"/> (1 - the player's collaborative confidence): content leads for newcomers and
    /// cold items, collaborative for players with history. <paramref name="popularityOnly"/> (an experiment's popularity-only
    /// variant): the engine's content and collaborative scorers get weight 0 and its popularity scorer 1, by role; plugins keep
    /// their weight. Returns false when no scorer produced output.
    /// </summary>
    public bool Run(in ScoringContext context, in EngineInputs inputs, SuggestScratch scratch, Span<float> blended, IReadOnlyDictionary<string, double>? overrides, long nowTicks, float contentScale = 1f, bool popularityOnly = false)
    {
        var weightsUsed = scratch.WeightsUsed;
        scratch.ContentIndex = -1;
        scratch.PopularityIndex = -1;
        bool any = false;
        int contentIndex = -1;
        bool collaborativeSpoke = false;
        for (int s = 0; s < _entries.Length; s++)
        {
            weightsUsed[s] = 0;
            var e = _entries[s];
            double w = popularityOnly ? PopularityOnlyWeight(e.Registration) : e.Registration.Weight;
            if (overrides is not null && overrides.TryGetValue(e.Name, out double o))
            {
                if (double.IsNaN(o) || double.IsInfinity(o) || o < 0)
                {
                    throw new ArgumentException($"SuggestOptions.ScorerWeights['{e.Name}'] must be a finite number >= 0, not {o}.", "options");
                }

                w = o;
            }

            if (w <= 0 || (e.Disabled && !TryRecover(e, nowTicks)))
            {
                continue;
            }

            if (Produce(s, in context, in inputs, scratch, blended.Length, nowTicks))
            {
                weightsUsed[s] = (float)w;
                any = true;
                // Roles, not names: the content/collaborative hand-over is between the engine's own scorers only.
                contentIndex = e.Registration.Role == ScorerRole.Content ? s : contentIndex;
                collaborativeSpoke |= e.Registration.Role == ScorerRole.Collaborative;
            }
        }

        // Nothing spoke (a cold player under a content-only setting): fall back to popularity at full weight.
        if (!any && _popularityIndex >= 0 && (!_entries[_popularityIndex].Disabled || TryRecover(_entries[_popularityIndex], nowTicks))
            && Produce(_popularityIndex, in context, in inputs, scratch, blended.Length, nowTicks))
        {
            weightsUsed[_popularityIndex] = 1f;
            any = true;
        }

        if (collaborativeSpoke && contentIndex >= 0)
        {
            weightsUsed[contentIndex] *= contentScale;
        }

        BlendAll(scratch, blended);
        return any;
    }

    /// <summary>
    /// One scorer's output for this call. The engine's content and popularity scorers take the fast path (one read of the
    /// catalog; the popularity column normalized once per change, see <see cref="PopularityCache"/>); every other scorer, plugins
    /// included, fills its own array through the batch contract (<see cref="RunOne"/>).
    /// </summary>
    private bool Produce(int index, in ScoringContext context, in EngineInputs inputs, SuggestScratch scratch, int n, long nowTicks)
    {
        var e = _entries[index];
        switch (e.Fast)
        {
            case FastPath.Content:
                Interlocked.Increment(ref e.Calls);
                return ProduceContent(index, in context, in inputs, scratch, n);
            case FastPath.Popularity:
                Interlocked.Increment(ref e.Calls);
                if (!PopularityCache.TryGet(inputs.Catalog.Counters, out scratch.Popularity))
                {
                    return false;
                }

                scratch.PopularityIndex = index;
                return true;
            default:
                return RunOne(index, in context, in inputs, scratch.PerScorer[index].AsSpan(0, n), nowTicks);
        }
    }

    /// <summary>The content scorer's fast path: raw similarities and their range; normalized inside the blend (no extra pass).</summary>
    private static bool ProduceContent(int index, in ScoringContext context, in EngineInputs inputs, SuggestScratch scratch, int n)
    {
        if (!context.HasProfile)
        {
            return false;
        }

        float min, max;
        if (scratch.PrecomputedContent is { } shared)
        {
            scratch.ContentRaw = shared;
            min = scratch.PrecomputedMin;
            max = scratch.PrecomputedMax;
        }
        else
        {
            scratch.ContentRaw = scratch.PerScorer[index];
            ContentScan.Scan(inputs.Catalog, context.ProfileVector, scratch.QueryCodes, scratch.ContentRaw.AsSpan(0, n), out min, out max);
        }

        scratch.ContentIndex = index;
        scratch.ContentMin = min;
        scratch.ContentScale = MinMax.Scale(min, max);
        return true;
    }

    /// <summary>
    /// blended[i] = sum over the scorers that spoke of weight x normalized value, in registration order, in blocks of rows that stay
    /// in L1 (every source of a block is added before the next block). Bit-identical to adding one scorer's whole column at a time.
    /// </summary>
    private void BlendAll(SuggestScratch scratch, Span<float> blended)
    {
        int n = blended.Length;
        for (int start = 0; start < n; start += ContentScan.BlockRows)
        {
            int rows = Math.Min(ContentScan.BlockRows, n - start);
            var block = blended.Slice(start, rows);
            bool first = true; // the block holds no sum yet: the first source writes 0 + its term (no clearing pass)
            for (int s = 0; s < _entries.Length; s++)
            {
                float w = scratch.WeightsUsed[s];
                if (w <= 0)
                {
                    continue;
                }

                if (s == scratch.ContentIndex)
                {
                    BlendKernels.AddAffine(scratch.ContentRaw.AsSpan(start, rows), scratch.ContentMin, scratch.ContentScale, w, block, first);
                }
                else if (s == scratch.PopularityIndex || _entries[s].Registration.Role != ScorerRole.Plugin)
                {
                    BlendKernels.Add(s == scratch.PopularityIndex ? scratch.Popularity.AsSpan(start, rows) : scratch.PerScorer[s].AsSpan(start, rows), w, block, first);
                }
                else
                {
                    if (first)
                    {
                        block.Clear();
                    }

                    Blend(scratch.PerScorer[s].AsSpan(start, rows), w, block);
                }

                first = false;
            }

            if (first)
            {
                block.Clear();
            }
        }
    }

    /// <summary>The state of every scorer at <paramref name="nowTicks"/> (a scorer whose recovery period has passed comes back).</summary>
    public IReadOnlyList<ScorerStatus> Status(long nowTicks)
    {
        var result = new List<ScorerStatus>(_entries.Length);
        foreach (var e in _entries)
        {
            if (e.Disabled)
            {
                TryRecover(e, nowTicks);
            }

            lock (e.Gate)
            {
                EndProbationIfQuiet(e, nowTicks);
                DateTimeOffset? reenableAt = e.Disabled && e.ReenableAtTicks != long.MaxValue
                    ? new DateTimeOffset(e.ReenableAtTicks, TimeSpan.Zero)
                    : null;
                result.Add(new ScorerStatus(
                    e.Name,
                    e.Registration.Weight,
                    !e.Disabled,
                    e.Faults,
                    Interlocked.Read(ref e.Calls),
                    e.LastFault,
                    Interlocked.Read(ref e.SlowCalls),
                    e.OnProbation,
                    reenableAt));
            }
        }

        return result;
    }

    public bool Enable(string name)
    {
        foreach (var e in _entries)
        {
            if (e.Name == name)
            {
                lock (e.Gate)
                {
                    e.Disabled = false;
                    e.RecentFaults.Clear();
                    e.OnProbation = false;
                    e.RecoveryTicks = 0;
                    Interlocked.Exchange(ref e.ReenableAtTicks, long.MaxValue);
                    Interlocked.Exchange(ref e.SlowStreak, 0);
                    e.PreviousCallOver = false;
                }

                Log.ScorerEnabled(_logger, name);
                return true;
            }
        }

        return false;
    }

    private static double PopularityOnlyWeight(ScorerRegistration registration) => registration.Role switch
    {
        ScorerRole.Content or ScorerRole.Collaborative => 0,
        ScorerRole.Popularity => 1,
        _ => registration.Weight,
    };

    private static void Blend(ReadOnlySpan<float> normalized, float weight, Span<float> blended)
    {
        for (int i = 0; i < blended.Length; i++)
        {
            float v = normalized[i];
            blended[i] = v == ScorerContract.Exclude ? float.NaN : blended[i] + (weight * v);
        }
    }

    /// <summary>Garbage collections so far, of any generation (a collection of generation n also counts in generation 0 on
    /// CoreCLR; Mono counts minor and major collections apart). Allocation-free on every runtime.</summary>
    private static int GcCount() => GC.CollectionCount(0) + (MaxGeneration > 0 ? GC.CollectionCount(MaxGeneration) : 0);

    private bool RunOne(int index, in ScoringContext context, in EngineInputs inputs, Span<float> scores, long nowTicks)
    {
        var e = _entries[index];
        Interlocked.Increment(ref e.Calls);
        long budget = e.BudgetStopwatchTicks;
        int gcBefore = budget > 0 ? GcCount() : 0;

        long start = Stopwatch.GetTimestamp();
        bool produced;
        try
        {
            produced = e.EngineScorer is { } own ? own.Score(in context, in inputs, scores) : e.Registration.Scorer.Score(in context, scores);
        }
        catch (Exception ex)
        {
            Fault(e, "threw " + ex.GetType().Name + ": " + ex.Message, ex, nowTicks);
            return false;
        }

        if (budget > 0)
        {
            long elapsed = Stopwatch.GetTimestamp() - start;
            if (CheckTime(e, elapsed, elapsed > budget && GcCount() != gcBefore, nowTicks))
            {
                return false; // a confirmed slow call: a fault, its output dropped
            }
        }

        if (!produced)
        {
            return false;
        }

        for (int i = 0; i < scores.Length; i++)
        {
            float v = scores[i];
            if (v != ScorerContract.Exclude && (float.IsNaN(v) || float.IsInfinity(v)))
            {
                Fault(e, $"returned {v} for item row {i}", null, nowTicks);
                return false;
            }
        }

        MinMax.Range(scores, ScorerContract.Exclude, out float min, out float max);
        if (e.Registration.Normalization == ScoreNormalization.MinMax && min <= max)
        {
            float scale = MinMax.Scale(min, max);
            for (int i = 0; i < scores.Length; i++)
            {
                float v = scores[i];
                if (v != ScorerContract.Exclude)
                {
                    scores[i] = (v - min) * scale;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Applies the time rule to a finished call (<paramref name="gcRan"/> = a garbage collection ran during it). Returns true when
    /// the call is a fault. Allocation-free unless it is one.
    /// </summary>
    private bool CheckTime(Entry e, long elapsed, bool gcRan, long nowTicks)
    {
        if (elapsed <= e.BudgetStopwatchTicks)
        {
            if (e.PreviousCallOver || Volatile.Read(ref e.SlowStreak) != 0)
            {
                e.PreviousCallOver = false;
                Interlocked.Exchange(ref e.SlowStreak, 0); // within budget: a streak of slow calls ends
            }

            return false;
        }

        // A collection ran during the call (its pause is the host's, and not measurable on every runtime): excused, unless the
        // previous call was over budget too, so a scorer that is slow on every call is caught even in a host that collects on every
        // call (one call later).
        bool excused = gcRan && !e.PreviousCallOver;
        e.PreviousCallOver = true;
        return !excused && SlowCallIsFault(e, elapsed, nowTicks);
    }

    /// <summary>
    /// Counts an over-budget call. The first <see cref="ScorerCollection.SlowCallConfirmations"/> calls of a
    /// streak are suspects (results kept, logged at debug level); the call that confirms the streak and every later one of it are
    /// faults. Returns true when this call is a fault (its output is dropped).
    /// </summary>
    private bool SlowCallIsFault(Entry e, long elapsed, long nowTicks)
    {
        Interlocked.Increment(ref e.SlowCalls);
        int streak = Interlocked.Increment(ref e.SlowStreak);
        double ms = elapsed * 1000.0 / Stopwatch.Frequency;
        double budgetMs = e.BudgetStopwatchTicks * 1000.0 / Stopwatch.Frequency;
        if (streak <= _slowCallConfirmations)
        {
            Log.ScorerSlowCall(_logger, e.Name, ms, budgetMs, _slowCallConfirmations);
            return false;
        }

        Fault(e, streak == 1 ? $"took {ms:0.0} ms, over its {budgetMs:0.###} ms budget" : $"took {ms:0.0} ms, over its {budgetMs:0.###} ms budget on {streak} calls in a row", null, nowTicks);
        return true;
    }

    /// <summary>Re-enables a disabled scorer whose recovery period has passed, on probation. True when it is enabled now.</summary>
    private bool TryRecover(Entry e, long nowTicks)
    {
        if (Interlocked.Read(ref e.ReenableAtTicks) > nowTicks)
        {
            return false;
        }

        long period;
        lock (e.Gate)
        {
            if (!e.Disabled)
            {
                return true;
            }

            if (e.ReenableAtTicks > nowTicks)
            {
                return false;
            }

            period = e.RecoveryTicks;
            e.Disabled = false;
            e.OnProbation = true;
            e.ProbationUntilTicks = SaturatingAdd(nowTicks, _faultWindowTicks);
            e.RecentFaults.Clear();
            Interlocked.Exchange(ref e.ReenableAtTicks, long.MaxValue);
            Interlocked.Exchange(ref e.SlowStreak, 0);
            e.PreviousCallOver = false;
        }

        Log.ScorerReenabledAfterRecovery(_logger, e.Name, TimeSpan.FromTicks(period), TimeSpan.FromTicks(_faultWindowTicks));
        return true;
    }

    /// <summary>Ends probation once the scorer has gone one fault window without a fault. Call under the entry's gate.</summary>
    private static void EndProbationIfQuiet(Entry e, long nowTicks)
    {
        if (e.OnProbation && nowTicks > e.ProbationUntilTicks)
        {
            e.OnProbation = false;
            e.RecoveryTicks = 0;
        }
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    private void Fault(Entry e, string reason, Exception? ex, long nowTicks)
    {
        int faults = 0;
        string? recovery = null;
        lock (e.Gate)
        {
            e.Faults++;
            e.LastFault = reason;
            EndProbationIfQuiet(e, nowTicks);
            e.RecentFaults.Enqueue(nowTicks);
            while (e.RecentFaults.Count > 0 && nowTicks - e.RecentFaults.Peek() > _faultWindowTicks)
            {
                e.RecentFaults.Dequeue();
            }

            if (!e.Disabled && (e.OnProbation || e.RecentFaults.Count >= _faultLimit))
            {
                // A relapse on probation doubles the period (at most 16 x RecoveryPeriod); a first disable uses the option.
                e.RecoveryTicks = _recoveryTicks == 0 ? 0
                    : e.OnProbation && e.RecoveryTicks > 0 ? Math.Min(SaturatingAdd(e.RecoveryTicks, e.RecoveryTicks), _maxRecoveryTicks)
                    : _recoveryTicks;
                e.Disabled = true;
                e.OnProbation = false;
                faults = e.RecentFaults.Count;
                long reenableAt = e.RecoveryTicks == 0 ? long.MaxValue : SaturatingAdd(nowTicks, e.RecoveryTicks);
                Interlocked.Exchange(ref e.ReenableAtTicks, reenableAt);
                recovery = reenableAt == long.MaxValue
                    ? "only by RecoEngine.EnableScorer (RecoveryPeriod is infinite)"
                    : "on its own at " + new DateTimeOffset(reenableAt, TimeSpan.Zero).ToString("o", System.Globalization.CultureInfo.InvariantCulture) + ", on probation";
            }
        }

        Log.ScorerFault(_logger, ex, e.Name, reason);
        if (recovery is not null)
        {
            Log.ScorerDisabled(_logger, e.Name, faults, recovery);
        }
    }

    private enum FastPath
    {
        None,
        Content,
        Popularity,
    }

    private sealed class Entry
    {
        public Entry(ScorerRegistration registration, int faultLimit)
        {
            Registration = registration;
            Name = registration.Scorer.Name;
            EngineScorer = registration.Role != ScorerRole.Plugin ? registration.Scorer as IEngineScorer : null;
            BudgetStopwatchTicks = registration.TimeBudget == Timeout.InfiniteTimeSpan
                ? 0
                : (long)(registration.TimeBudget.TotalSeconds * Stopwatch.Frequency);
            RecentFaults = new Queue<long>(faultLimit + 1);
            bool fastEligible = registration.Role != ScorerRole.Plugin && BudgetStopwatchTicks == 0 && registration.Normalization == ScoreNormalization.MinMax;
            Fast = !fastEligible ? FastPath.None
                : registration.Role == ScorerRole.Content ? FastPath.Content
                : registration.Role == ScorerRole.Popularity ? FastPath.Popularity
                : FastPath.None;
        }

        /// <summary>The built-in fast path this scorer takes (none for plugins and for a built-in under a time budget).</summary>
        public FastPath Fast { get; }

        public ScorerRegistration Registration { get; }

        public string Name { get; }

        /// <summary>The engine's own scorers read <see cref="EngineInputs"/>; null for plugins.</summary>
        public IEngineScorer? EngineScorer { get; }

        public long BudgetStopwatchTicks { get; }

        public object Gate { get; } = new object();

        public Queue<long> RecentFaults { get; }

        public volatile bool Disabled;

        /// <summary>When a disabled scorer comes back (engine ticks); long.MaxValue = not scheduled. Read without the gate.</summary>
        public long ReenableAtTicks = long.MaxValue;

        /// <summary>The period of the current or latest disable (ticks; 0 = infinite or none).</summary>
        public long RecoveryTicks;

        public bool OnProbation;

        public long ProbationUntilTicks;

        /// <summary>Counted over-budget calls in a row (Interlocked); a call within budget ends the streak.</summary>
        public int SlowStreak;

        /// <summary>The previous call was over budget (counted or excused); only a GC excuse reads it.</summary>
        public volatile bool PreviousCallOver;

        public long SlowCalls;

        public long Calls;

        public long Faults;

        public string? LastFault;
    }
}
