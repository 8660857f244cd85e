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
internal sealed class ScoringPipeline
{
    private readonly Entry[] _entries;
    private readonly int _faultLimit;
    private readonly long _faultWindowTicks;
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
        _logger = logger;
        _popularityIndex = Array.FindIndex(_entries, e => e.Name == ScorerContract.Popularity);
    }

    public int Count => _entries.Length;

    public string Name(int index) => _entries[index].Name;

    /// <summary>
    /// Runs every enabled scorer with a non-zero weight, then blends. When the collaborative scorer spoke, the content weight is
    /// multiplied by <paramref name="contentScale"/> (1 - the player's collaborative confidence): content leads for newcomers and
    /// cold items, collaborative for players with history. Returns false when no scorer produced output.
    /// </summary>
    public bool Run(in ScoringContext context, float[][] perScorer, Span<float> blended, Span<float> weightsUsed, IReadOnlyDictionary<string, double>? overrides, long nowTicks, float contentScale = 1f)
    {
        blended.Clear();
        bool any = false;
        int contentIndex = -1;
        bool collaborativeSpoke = false;
        for (int s = 0; s < _entries.Length; s++)
        {
            weightsUsed[s] = 0;
            var e = _entries[s];
            double w = e.Registration.Weight;
            if (overrides is not null && overrides.TryGetValue(e.Name, out double o))
            {
                if (double.IsNaN(o) || double.IsInfinity(o) || o < 0)
                {
                    throw new ArgumentException($"SuggestOptions.ScorerWeights['{e.Name}'] must be a finite number >= 0, not {o}.", "options");
                }

                w = o;
            }

            if (w <= 0 || e.Disabled)
            {
                continue;
            }

            if (RunOne(s, in context, perScorer[s].AsSpan(0, blended.Length), nowTicks))
            {
                weightsUsed[s] = (float)w;
                any = true;
                contentIndex = e.Name == ScorerContract.Content ? s : contentIndex;
                collaborativeSpoke |= e.Name == ScorerContract.Collaborative;
            }
        }

        // Nothing spoke (a cold player under a content-only setting): fall back to popularity at full weight.
        if (!any && _popularityIndex >= 0 && !_entries[_popularityIndex].Disabled
            && RunOne(_popularityIndex, in context, perScorer[_popularityIndex].AsSpan(0, blended.Length), nowTicks))
        {
            weightsUsed[_popularityIndex] = 1f;
            any = true;
        }

        if (collaborativeSpoke && contentIndex >= 0)
        {
            weightsUsed[contentIndex] *= contentScale;
        }

        for (int s = 0; s < _entries.Length; s++)
        {
            if (weightsUsed[s] > 0)
            {
                Blend(perScorer[s].AsSpan(0, blended.Length), weightsUsed[s], blended);
            }
        }

        return any;
    }

    public IReadOnlyList<ScorerStatus> Status()
    {
        var result = new List<ScorerStatus>(_entries.Length);
        foreach (var e in _entries)
        {
            lock (e.Gate)
            {
                result.Add(new ScorerStatus(e.Name, e.Registration.Weight, !e.Disabled, e.Faults, Interlocked.Read(ref e.Calls), e.LastFault));
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
                }

                Log.ScorerEnabled(_logger, name);
                return true;
            }
        }

        return false;
    }

    private static void Blend(ReadOnlySpan<float> normalized, float weight, Span<float> blended)
    {
        for (int i = 0; i < blended.Length; i++)
        {
            float v = normalized[i];
            blended[i] = v == ScorerContract.Exclude ? float.NaN : blended[i] + (weight * v);
        }
    }

    private bool RunOne(int index, in ScoringContext context, Span<float> scores, long nowTicks)
    {
        var e = _entries[index];
        Interlocked.Increment(ref e.Calls);
        long start = Stopwatch.GetTimestamp();
        bool produced;
        try
        {
            produced = e.Registration.Scorer.Score(in context, scores);
        }
        catch (Exception ex)
        {
            Fault(e, "threw " + ex.GetType().Name + ": " + ex.Message, ex, nowTicks);
            return false;
        }

        long elapsed = Stopwatch.GetTimestamp() - start;
        if (e.BudgetStopwatchTicks > 0 && elapsed > e.BudgetStopwatchTicks)
        {
            Fault(e, $"took {elapsed * 1000.0 / Stopwatch.Frequency:0.0} ms, over its budget", null, nowTicks);
            return false;
        }

        if (!produced)
        {
            return false;
        }

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            float v = scores[i];
            if (v == ScorerContract.Exclude)
            {
                continue;
            }

            if (float.IsNaN(v) || float.IsInfinity(v))
            {
                Fault(e, $"returned {v} for item row {i}", null, nowTicks);
                return false;
            }

            if (v < min)
            {
                min = v;
            }

            if (v > max)
            {
                max = v;
            }
        }

        if (e.Registration.Normalization == ScoreNormalization.MinMax && min <= max)
        {
            float range = max - min;
            float scale = range > 0 ? 1f / range : 0f;
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

    private void Fault(Entry e, string reason, Exception? ex, long nowTicks)
    {
        bool disabledNow = false;
        lock (e.Gate)
        {
            e.Faults++;
            e.LastFault = reason;
            e.RecentFaults.Enqueue(nowTicks);
            while (e.RecentFaults.Count > 0 && nowTicks - e.RecentFaults.Peek() > _faultWindowTicks)
            {
                e.RecentFaults.Dequeue();
            }

            if (!e.Disabled && e.RecentFaults.Count >= _faultLimit)
            {
                e.Disabled = true;
                disabledNow = true;
            }
        }

        Log.ScorerFault(_logger, ex, e.Name, reason);
        if (disabledNow)
        {
            Log.ScorerDisabled(_logger, e.Name, _faultLimit);
        }
    }

    private sealed class Entry
    {
        public Entry(ScorerRegistration registration, int faultLimit)
        {
            Registration = registration;
            Name = registration.Scorer.Name;
            BudgetStopwatchTicks = registration.TimeBudget == Timeout.InfiniteTimeSpan
                ? 0
                : (long)(registration.TimeBudget.TotalSeconds * Stopwatch.Frequency);
            RecentFaults = new Queue<long>(faultLimit + 1);
        }

        public ScorerRegistration Registration { get; }

        public string Name { get; }

        public long BudgetStopwatchTicks { get; }

        public object Gate { get; } = new object();

        public Queue<long> RecentFaults { get; }

        public volatile bool Disabled;

        public long Calls;

        public long Faults;

        public string? LastFault;
    }
}
