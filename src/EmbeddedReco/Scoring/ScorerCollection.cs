using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace EmbeddedReco;

/// <summary>
/// The scorers an engine blends, with their weights: <see cref="RecoEngineOptions.Scorers"/>. A new collection holds the built-in
/// scorers <see cref="ScorerContract.Content"/> (weight 1), <see cref="ScorerContract.Collaborative"/> (weight 1, self-normalized
/// with a confidence that grows with the player's history; it abstains until <see cref="RecoEngine.Train"/> has built a model) and
/// <see cref="ScorerContract.Popularity"/> (weight 0.1: a small prior that breaks near-ties toward what players engage with).
/// Add plugin scorers with <see cref="Add"/>.
/// </summary>
public sealed class ScorerCollection : IEnumerable<ScorerRegistration>
{
    private readonly List<ScorerRegistration> _items = new List<ScorerRegistration>();

    /// <summary>Creates a collection with the three built-in scorers.</summary>
    public ScorerCollection()
    {
        // Built-ins are trusted engine code: no time budget, so a preempted thread on a busy machine never drops them.
        _items.Add(new ScorerRegistration(new Scoring.ContentScorer(), 1.0, ScoreNormalization.MinMax, Timeout.InfiniteTimeSpan, Scoring.ScorerRole.Content));
        _items.Add(new ScorerRegistration(new Scoring.CollaborativeScorer(), 1.0, ScoreNormalization.None, Timeout.InfiniteTimeSpan, Scoring.ScorerRole.Collaborative));
        _items.Add(new ScorerRegistration(new Scoring.PopularityScorer(), 0.1, ScoreNormalization.MinMax, Timeout.InfiniteTimeSpan, Scoring.ScorerRole.Popularity));
    }

    /// <summary>The per-call time budget of a scorer unless given: 20 ms (more than a frame: a scorer that slow is broken).</summary>
    public static readonly TimeSpan DefaultTimeBudget = TimeSpan.FromMilliseconds(20);

    /// <summary>The <see cref="RecoveryPeriod"/> unless set: 5 minutes.</summary>
    public static readonly TimeSpan DefaultRecoveryPeriod = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Faults within <see cref="FaultWindow"/> after which a scorer is disabled. Default 3; at least 1. A fault is a call that threw,
    /// wrote NaN or infinity, or was over its time budget as confirmed by <see cref="SlowCallConfirmations"/>; a single slow call is
    /// not one.
    /// </summary>
    public int FaultLimit { get; set; } = 3;

    /// <summary>The window in which faults are counted. Default 1 minute (by the engine's clock).</summary>
    public TimeSpan FaultWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many further calls in a row must also be over the time budget before an over-budget call counts as a fault. Default 1:
    /// a call over budget is only a suspect (its results are kept, it is counted in <see cref="ScorerStatus.SlowCalls"/>), and it
    /// becomes a fault when the scorer's next call is over budget too; every further call of that streak is a fault as well, and a
    /// call within budget ends the streak. A call during which a garbage collection ran (<see cref="GC.CollectionCount"/> changed;
    /// the pause is the host's, not the scorer's) is not counted, unless the scorer's previous call was over budget too: a scorer that
    /// is slow on every call is caught even in a host that collects on every call. 0 = every counted over-budget call is a fault.
    /// At least 0.
    /// </summary>
    /// <remarks>
    /// Wall-clock time includes preemption, GC pauses, a debugger or a suspended app; a hitch rarely hits the same scorer twice in a
    /// row, a slow scorer always does. The cost of a late call is already paid when it returns, so dropping its valid results would
    /// only change the list without saving time.
    /// </remarks>
    public int SlowCallConfirmations { get; set; } = 1;

    /// <summary>
    /// How long a disabled scorer stays off before the engine tries it again on its own, by the engine's clock
    /// (<see cref="RecoEngineOptions.Clock"/>). Default <see cref="DefaultRecoveryPeriod"/> (5 minutes);
    /// <see cref="Timeout.InfiniteTimeSpan"/> = stay disabled until <see cref="RecoEngine.EnableScorer"/>. Otherwise positive.
    /// </summary>
    /// <remarks>
    /// A scorer that comes back is on probation until it has gone one <see cref="FaultWindow"/> without a fault: a single fault
    /// disables it again, and the next period is doubled (at most 16 x <see cref="RecoveryPeriod"/>). After a fault-free
    /// <see cref="FaultWindow"/> the period is back to <see cref="RecoveryPeriod"/>. <see cref="RecoEngine.EnableScorer"/> ends
    /// probation and resets the period.
    /// </remarks>
    public TimeSpan RecoveryPeriod { get; set; } = DefaultRecoveryPeriod;

    /// <summary>Number of registered scorers.</summary>
    public int Count => _items.Count;

    /// <summary>Registers a scorer.</summary>
    /// <param name="scorer">The scorer; its <see cref="IScorer.Name"/> must be unique in the collection.</param>
    /// <param name="weight">Its weight in the blend, finite and >= 0. Default 1.</param>
    /// <param name="normalization">How its outputs are mapped before weighting. Default <see cref="ScoreNormalization.MinMax"/>.</param>
    /// <param name="timeBudget">Longest allowed call. A longer call is a suspect, and a fault (dropped for that call) only when the
    /// following call is over budget too (<see cref="SlowCallConfirmations"/>). Default <see cref="DefaultTimeBudget"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/> = no budget.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scorer"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is empty or already registered, or the weight or budget is invalid.</exception>
    public ScorerRegistration Add(IScorer scorer, double weight = 1.0, ScoreNormalization normalization = ScoreNormalization.MinMax, TimeSpan? timeBudget = null)
    {
        if (scorer is null)
        {
            throw new ArgumentNullException(nameof(scorer));
        }

        string name = scorer.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A scorer needs a non-empty Name.", nameof(scorer));
        }

        if (Find(name) is not null)
        {
            throw new ArgumentException($"A scorer named '{name}' is already registered.", nameof(scorer));
        }

        CheckWeight(weight, nameof(weight));
        var budget = timeBudget ?? DefaultTimeBudget;
        if (budget != Timeout.InfiniteTimeSpan && budget <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeBudget), budget, "A scorer's time budget must be positive, or Timeout.InfiniteTimeSpan.");
        }

        var registration = new ScorerRegistration(scorer, weight, normalization, budget);
        _items.Add(registration);
        return registration;
    }

    /// <summary>Changes the weight of a registered scorer (0 turns it off).</summary>
    /// <param name="name">The scorer's name.</param>
    /// <param name="weight">The new weight, finite and >= 0.</param>
    /// <exception cref="ArgumentException">No scorer has that name, or the weight is invalid.</exception>
    public void SetWeight(string name, double weight)
    {
        CheckWeight(weight, nameof(weight));
        var registration = Find(name) ?? throw new ArgumentException($"No scorer named '{name}' is registered.", nameof(name));
        registration.Weight = weight;
    }

    /// <summary>Removes a scorer (built-ins included).</summary>
    /// <param name="name">The scorer's name.</param>
    /// <returns>True when it was registered.</returns>
    public bool Remove(string name) => _items.RemoveAll(r => string.Equals(r.Scorer.Name, name, StringComparison.Ordinal)) > 0;

    /// <summary>The registration with that name, or null.</summary>
    /// <param name="name">The scorer's name.</param>
    /// <returns>The registration or null.</returns>
    public ScorerRegistration? Find(string name)
    {
        foreach (var r in _items)
        {
            if (string.Equals(r.Scorer.Name, name, StringComparison.Ordinal))
            {
                return r;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public IEnumerator<ScorerRegistration> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal ScorerCollection Clone()
    {
        var copy = new ScorerCollection
        {
            FaultLimit = FaultLimit,
            FaultWindow = FaultWindow,
            SlowCallConfirmations = SlowCallConfirmations,
            RecoveryPeriod = RecoveryPeriod,
        };
        copy._items.Clear();
        foreach (var r in _items)
        {
            copy._items.Add(new ScorerRegistration(r.Scorer, r.Weight, r.Normalization, r.TimeBudget, r.Role));
        }

        return copy;
    }

    internal void Validate()
    {
        if (FaultLimit < 1)
        {
            throw new ArgumentOutOfRangeException("options.Scorers.FaultLimit", FaultLimit, "RecoEngineOptions.Scorers.FaultLimit must be at least 1.");
        }

        if (FaultWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options.Scorers.FaultWindow", FaultWindow, "RecoEngineOptions.Scorers.FaultWindow must be positive.");
        }

        if (SlowCallConfirmations < 0)
        {
            throw new ArgumentOutOfRangeException("options.Scorers.SlowCallConfirmations", SlowCallConfirmations, "RecoEngineOptions.Scorers.SlowCallConfirmations must be at least 0 (0 = every call over budget is a fault).");
        }

        if (RecoveryPeriod != Timeout.InfiniteTimeSpan && RecoveryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options.Scorers.RecoveryPeriod", RecoveryPeriod, "RecoEngineOptions.Scorers.RecoveryPeriod must be positive, or Timeout.InfiniteTimeSpan to keep a disabled scorer off.");
        }

        if (_items.Count > 32)
        {
            throw new ArgumentException("RecoEngineOptions.Scorers holds more than 32 scorers.", "options.Scorers");
        }
    }

    private static void CheckWeight(double weight, string param)
    {
        if (double.IsNaN(weight) || double.IsInfinity(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(param, weight, "A scorer weight must be a finite number >= 0.");
        }
    }
}

/// <summary>A scorer with its weight, normalization and time budget.</summary>
public sealed class ScorerRegistration
{
    internal ScorerRegistration(IScorer scorer, double weight, ScoreNormalization normalization, TimeSpan timeBudget, Scoring.ScorerRole role = Scoring.ScorerRole.Plugin)
    {
        Role = role;
        Scorer = scorer;
        Weight = weight;
        Normalization = normalization;
        TimeBudget = timeBudget;
    }

    /// <summary>The scorer.</summary>
    public IScorer Scorer { get; }

    /// <summary>Its weight in the blend (>= 0).</summary>
    public double Weight { get; internal set; }

    /// <summary>How its outputs are mapped before weighting.</summary>
    public ScoreNormalization Normalization { get; }

    /// <summary>Its per-call time budget (<see cref="Timeout.InfiniteTimeSpan"/> = none).</summary>
    public TimeSpan TimeBudget { get; }

    /// <summary>What it is to the blend: a built-in role for the engine's own registrations, <see cref="Scoring.ScorerRole.Plugin"/> otherwise.</summary>
    internal Scoring.ScorerRole Role { get; }
}

/// <summary>The state of one scorer in an open engine: <see cref="RecoEngine.GetScorers"/>.</summary>
public sealed class ScorerStatus
{
    internal ScorerStatus(string name, double weight, bool enabled, long faults, long calls, string? lastFault, long slowCalls, bool onProbation, DateTimeOffset? reenableAt)
    {
        Name = name;
        Weight = weight;
        Enabled = enabled;
        Faults = faults;
        Calls = calls;
        LastFault = lastFault;
        SlowCalls = slowCalls;
        OnProbation = onProbation;
        ReenableAt = reenableAt;
    }

    /// <summary>The scorer's name.</summary>
    public string Name { get; }

    /// <summary>Its registered weight.</summary>
    public double Weight { get; }

    /// <summary>False after too many faults, until <see cref="ReenableAt"/> or <see cref="RecoEngine.EnableScorer"/>.</summary>
    public bool Enabled { get; }

    /// <summary>Faults since the engine opened (throws, NaN/infinity, confirmed over-budget calls).</summary>
    public long Faults { get; }

    /// <summary>Calls since the engine opened.</summary>
    public long Calls { get; }

    /// <summary>A description of the latest fault, or null.</summary>
    public string? LastFault { get; }

    /// <summary>Calls over the time budget since the engine opened, suspects included (calls during a garbage collection are not
    /// counted); only those confirmed by <see cref="ScorerCollection.SlowCallConfirmations"/> are also <see cref="Faults"/>.</summary>
    public long SlowCalls { get; }

    /// <summary>True when the scorer came back on its own after <see cref="ScorerCollection.RecoveryPeriod"/> and has not yet gone one
    /// <see cref="ScorerCollection.FaultWindow"/> without a fault: one fault disables it again.</summary>
    public bool OnProbation { get; }

    /// <summary>When a disabled scorer comes back on its own (engine clock); null while enabled, or when
    /// <see cref="ScorerCollection.RecoveryPeriod"/> is <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public DateTimeOffset? ReenableAt { get; }
}
