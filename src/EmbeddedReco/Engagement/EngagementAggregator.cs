using System;
using System.Collections.Generic;
using System.Linq;

namespace EmbeddedReco.Engagement;

/// <summary>
/// Engagement metrics per player, per experiment variant and per UTC day, updated on each recorded interaction. An update is a
/// few dictionary look-ups and additions: no allocation once the player, variant and day are known. Thread-safe (one short lock).
/// </summary>
/// <remarks>
/// Sessions: a player's first interaction starts a session; a later interaction starts a new one when the time since the
/// player's previous (latest) interaction is strictly greater than <see cref="SessionGap"/>; a gap exactly equal to it does not.
/// An interaction older than the player's latest one never starts a session. Sessions are counted in the variant and day of the
/// interaction that starts them. Day windows use the interaction's UTC timestamp. Active players per day assume roughly
/// time-ordered input: a player is counted in a day when their first interaction of that day arrives after any later day's.
/// </remarks>
internal sealed class EngagementAggregator
{
    /// <summary>The default session gap: 30 minutes.</summary>
    public static readonly TimeSpan DefaultSessionGap = TimeSpan.FromMinutes(30);

    private readonly object _gate = new object();
    private readonly Dictionary<string, UserEntry> _users = new Dictionary<string, UserEntry>(StringComparer.Ordinal);
    private readonly Dictionary<string, VariantEntry> _variants = new Dictionary<string, VariantEntry>(StringComparer.Ordinal);
    private readonly Func<InteractionKind, double, double> _weight;
    private readonly long _gapTicks;

    /// <summary>Creates an empty aggregator.</summary>
    /// <param name="sessionGap">The longest pause within a session; null means <see cref="DefaultSessionGap"/> (30 minutes). Must be above zero.</param>
    /// <param name="weights">The engagement weights of the score; null means the defaults of <see cref="EngagementWeights"/>. Copied.</param>
    public EngagementAggregator(TimeSpan? sessionGap = null, EngagementWeights? weights = null)
        : this(sessionGap, WeightFunction(weights))
    {
    }

    /// <summary>Creates an empty aggregator with a custom score function.</summary>
    /// <param name="sessionGap">The longest pause within a session; null means 30 minutes. Must be above zero.</param>
    /// <param name="weight">The score of one interaction (kind, value); its result must be finite.</param>
    public EngagementAggregator(TimeSpan? sessionGap, Func<InteractionKind, double, double> weight)
    {
        var gap = sessionGap ?? DefaultSessionGap;
        if (gap <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(sessionGap), gap, "The session gap must be above zero.");
        }

        _gapTicks = gap.Ticks;
        _weight = weight ?? throw new ArgumentNullException(nameof(weight), "The weight function must not be null.");
    }

    /// <summary>The longest pause within a session.</summary>
    public TimeSpan SessionGap => TimeSpan.FromTicks(_gapTicks);

    /// <summary>The number of players seen.</summary>
    public int UserCount
    {
        get
        {
            lock (_gate)
            {
                return _users.Count;
            }
        }
    }

    /// <summary>Counts one interaction.</summary>
    /// <param name="userId">The player's id (non-empty).</param>
    /// <param name="variant">The player's experiment variant; null or empty means "no experiment" (reported under the empty name).</param>
    /// <param name="kind">What the player did.</param>
    /// <param name="value">Seconds for play, stars for rating; must be finite.</param>
    /// <param name="utcTicks">When it happened, as UTC ticks (DateTimeOffset.UtcTicks); 0 or more.</param>
    public void Add(string userId, string? variant, InteractionKind kind, double value, long utcTicks)
    {
        ValidateInteraction(userId, value, utcTicks);
        double weight = _weight(kind, value);
        if (double.IsNaN(weight) || double.IsInfinity(weight))
        {
            throw new ArgumentException($"The engagement weight of {kind} with value {value} is {weight}; it must be finite.", nameof(value));
        }

        string v = variant ?? string.Empty;
        long day = utcTicks / TimeSpan.TicksPerDay;
        lock (_gate)
        {
            UserEntry user = TouchUser(userId, utcTicks, out bool newSession);
            bool repeat = newSession && user.Sessions > 1;
            DayEntry dayEntry = DayOf(v, day, out VariantEntry variantEntry);
            UserVariantEntry uv = UserVariantOf(user, variantEntry, v);
            if (day > uv.LastDay)
            {
                uv.LastDay = day;
                dayEntry.Counts.Users++;
            }

            uv.Counts.Count(kind, value, weight, newSession, repeat);
            variantEntry.Totals.Count(kind, value, weight, newSession, repeat);
            dayEntry.Counts.Count(kind, value, weight, newSession, repeat);
        }
    }

    /// <summary>Checks the arguments of <see cref="Add"/> other than the weight: a non-empty id, a finite value, a valid timestamp.</summary>
    private static void ValidateInteraction(string userId, double value, long utcTicks)
    {
        if (userId is null)
        {
            throw new ArgumentNullException(nameof(userId), "The user id must not be null.");
        }

        if (userId.Length == 0)
        {
            throw new ArgumentException("The user id must not be empty.", nameof(userId));
        }

        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentException($"The interaction value must be a finite number, not {value}.", nameof(value));
        }

        if (utcTicks < 0 || utcTicks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new ArgumentOutOfRangeException(nameof(utcTicks), utcTicks, "The timestamp must be a valid UTC tick count.");
        }
    }

    /// <summary>
    /// Finds or adds the player, advances their latest time and counts a new session when this interaction starts one
    /// (<paramref name="newSession"/>). Call under the lock.
    /// </summary>
    private UserEntry TouchUser(string userId, long utcTicks, out bool newSession)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            user = new UserEntry();
            _users.Add(userId, user);
        }

        newSession = user.Sessions == 0 || utcTicks - user.LastTicks > _gapTicks;
        if (user.Sessions == 0 || utcTicks > user.LastTicks)
        {
            user.LastTicks = utcTicks;
        }

        if (newSession)
        {
            user.Sessions++;
        }

        return user;
    }

    /// <summary>Finds or adds the variant <paramref name="v"/> and its entry for <paramref name="day"/>. Call under the lock.</summary>
    private DayEntry DayOf(string v, long day, out VariantEntry variantEntry)
    {
        if (!_variants.TryGetValue(v, out variantEntry!))
        {
            variantEntry = new VariantEntry();
            _variants.Add(v, variantEntry);
        }

        if (!variantEntry.Days.TryGetValue(day, out var dayEntry))
        {
            dayEntry = new DayEntry();
            variantEntry.Days.Add(day, dayEntry);
        }

        return dayEntry;
    }

    /// <summary>Finds or adds the player's entry for variant <paramref name="v"/>, counting a new player of the variant. Call under the lock.</summary>
    private static UserVariantEntry UserVariantOf(UserEntry user, VariantEntry variantEntry, string v)
    {
        var uv = user.Find(v);
        if (uv is null)
        {
            uv = new UserVariantEntry(v) { LastDay = long.MinValue };
            user.Variants.Add(uv);
            uv.Counts.Users = 1;
            variantEntry.Totals.Users++;
        }

        return uv;
    }

    /// <summary>A player's totals over all variants, or null for an unknown player.</summary>
    public EngagementTotals? GetUser(string userId)
    {
        lock (_gate)
        {
            if (userId is null || !_users.TryGetValue(userId, out var user))
            {
                return null;
            }

            var sum = default(EngagementCounts);
            foreach (var uv in user.Variants)
            {
                sum.Add(uv.Counts);
            }

            sum.Users = 1;
            return new EngagementTotals(sum);
        }
    }

    /// <summary>The variant names seen (empty string = no experiment), ordinal order.</summary>
    public IReadOnlyList<string> Variants
    {
        get
        {
            lock (_gate)
            {
                var names = _variants.Keys.ToArray();
                Array.Sort(names, StringComparer.Ordinal);
                return names;
            }
        }
    }

    /// <summary>A variant's report (totals and day windows, oldest first), or null when the variant has no interactions.</summary>
    public EngagementReport? GetReport(string? variant)
    {
        lock (_gate)
        {
            if (!_variants.TryGetValue(variant ?? string.Empty, out var entry))
            {
                return null;
            }

            var days = entry.Days.Keys.ToArray();
            Array.Sort(days);
            var windows = new EngagementWindow[days.Length];
            for (int i = 0; i < days.Length; i++)
            {
                windows[i] = new EngagementWindow(
                    new DateTimeOffset(days[i] * TimeSpan.TicksPerDay, TimeSpan.Zero), TimeSpan.FromDays(1), new EngagementTotals(entry.Days[days[i]].Counts));
            }

            return new EngagementReport(variant ?? string.Empty, new EngagementTotals(entry.Totals), windows);
        }
    }

    /// <summary>The weighted engagement score of every player, per variant of <paramref name="experiment"/> (see <see cref="UserScores"/>).</summary>
    public Dictionary<string, IReadOnlyList<double>> ScoresByVariant(Experiment experiment)
    {
        var scores = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        foreach (var variant in experiment.Variants)
        {
            scores[variant.Name] = UserScores(variant.Name);
        }

        return scores;
    }

    /// <summary>
    /// Each player's weighted engagement score within a variant, ordered by user id (ordinal): the input of
    /// <see cref="ExperimentStatistics.Summarize(string, IEnumerable{double})"/>.
    /// </summary>
    public IReadOnlyList<double> UserScores(string? variant)
    {
        // Record takes this gate on every interaction, so a report holds it only for short steps: a copy of the player references
        // (a pointer each), then the scores in chunks, each player read whole under the gate; the sort runs outside it.
        string v = variant ?? string.Empty;
        string[] ids;
        UserEntry[] users;
        lock (_gate)
        {
            ids = new string[_users.Count];
            users = new UserEntry[_users.Count];
            int i = 0;
            foreach (var pair in _users)
            {
                ids[i] = pair.Key;
                users[i++] = pair.Value;
            }
        }

        var pairs = new List<KeyValuePair<string, double>>(users.Length);
        for (int start = 0; start < users.Length; start += ReportChunk)
        {
            int end = Math.Min(users.Length, start + ReportChunk);
            lock (_gate)
            {
                for (int i = start; i < end; i++)
                {
                    if (users[i].Find(v) is { } uv)
                    {
                        pairs.Add(new KeyValuePair<string, double>(ids[i], uv.Counts.Score));
                    }
                }
            }
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var scores = new double[pairs.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = pairs[i].Value;
        }

        return scores;
    }

    /// <summary>Players whose scores a report reads per acquisition of the gate.</summary>
    private const int ReportChunk = 1024;

    /// <summary>Copies the whole state out as plain data, ordered by key.</summary>
    public EngagementState Export()
    {
        lock (_gate)
        {
            var state = new EngagementState { SessionGapTicks = _gapTicks };
            foreach (var pair in _users.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var record = new EngagementState.UserRecord { UserId = pair.Key, LastTicks = pair.Value.LastTicks, Sessions = pair.Value.Sessions };
                foreach (var uv in pair.Value.Variants.OrderBy(x => x.Variant, StringComparer.Ordinal))
                {
                    record.Variants.Add(new EngagementState.UserVariantRecord { Variant = uv.Variant, LastDay = uv.LastDay, Counts = uv.Counts });
                }

                state.Users.Add(record);
            }

            foreach (var pair in _variants.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var record = new EngagementState.VariantRecord { Variant = pair.Key, Totals = pair.Value.Totals };
                foreach (var day in pair.Value.Days.OrderBy(d => d.Key))
                {
                    record.Days.Add(new EngagementState.DayRecord { Day = day.Key, Counts = day.Value.Counts });
                }

                state.Variants.Add(record);
            }

            return state;
        }
    }

    /// <summary>Replaces the whole state with an exported one (the aggregator keeps its own session gap and weights).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">The state has a missing or duplicate key.</exception>
    public void Import(EngagementState state)
    {
        if (state is null)
        {
            throw new ArgumentNullException(nameof(state), "The engagement state must not be null.");
        }

        var users = new Dictionary<string, UserEntry>(StringComparer.Ordinal);
        foreach (var record in state.Users ?? new List<EngagementState.UserRecord>())
        {
            if (record is null || string.IsNullOrEmpty(record.UserId) || users.ContainsKey(record.UserId))
            {
                throw new ArgumentException("The engagement state has a missing, empty or duplicate user id.", nameof(state));
            }

            var user = new UserEntry { LastTicks = record.LastTicks, Sessions = record.Sessions };
            foreach (var uv in record.Variants ?? new List<EngagementState.UserVariantRecord>())
            {
                string name = uv?.Variant ?? string.Empty;
                if (uv is null || user.Find(name) is not null)
                {
                    throw new ArgumentException($"The engagement state of user '{record.UserId}' has a missing or duplicate variant.", nameof(state));
                }

                user.Variants.Add(new UserVariantEntry(name) { LastDay = uv.LastDay, Counts = uv.Counts });
            }

            users.Add(record.UserId, user);
        }

        var variants = new Dictionary<string, VariantEntry>(StringComparer.Ordinal);
        foreach (var record in state.Variants ?? new List<EngagementState.VariantRecord>())
        {
            string name = record?.Variant ?? string.Empty;
            if (record is null || variants.ContainsKey(name))
            {
                throw new ArgumentException($"The engagement state has a missing or duplicate variant '{name}'.", nameof(state));
            }

            var entry = new VariantEntry { Totals = record.Totals };
            foreach (var day in record.Days ?? new List<EngagementState.DayRecord>())
            {
                if (day is null || entry.Days.ContainsKey(day.Day))
                {
                    throw new ArgumentException($"The engagement state of variant '{name}' has a missing or duplicate day.", nameof(state));
                }

                entry.Days.Add(day.Day, new DayEntry { Counts = day.Counts });
            }

            variants.Add(name, entry);
        }

        lock (_gate)
        {
            _users.Clear();
            foreach (var pair in users)
            {
                _users.Add(pair.Key, pair.Value);
            }

            _variants.Clear();
            foreach (var pair in variants)
            {
                _variants.Add(pair.Key, pair.Value);
            }
        }
    }

    /// <summary>One player's state as plain data, or null when unknown (for persisting one changed player).</summary>
    public EngagementState.UserRecord? ExportUser(string userId)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user))
            {
                return null;
            }

            var record = new EngagementState.UserRecord { UserId = userId, LastTicks = user.LastTicks, Sessions = user.Sessions };
            foreach (var uv in user.Variants.OrderBy(x => x.Variant, StringComparer.Ordinal))
            {
                record.Variants.Add(new EngagementState.UserVariantRecord { Variant = uv.Variant, LastDay = uv.LastDay, Counts = uv.Counts });
            }

            return record;
        }
    }

    /// <summary>One variant's state as plain data, or null when unknown (for persisting one changed variant).</summary>
    public EngagementState.VariantRecord? ExportVariant(string variant)
    {
        lock (_gate)
        {
            if (!_variants.TryGetValue(variant, out var entry))
            {
                return null;
            }

            var record = new EngagementState.VariantRecord { Variant = variant, Totals = entry.Totals };
            foreach (var day in entry.Days.OrderBy(d => d.Key))
            {
                record.Days.Add(new EngagementState.DayRecord { Day = day.Key, Counts = day.Value.Counts });
            }

            return record;
        }
    }

    /// <summary>Forgets a player's per-user data (variant and day totals keep their contribution). Returns whether the player was known.</summary>
    public bool ForgetUser(string userId)
    {
        lock (_gate)
        {
            return userId is not null && _users.Remove(userId);
        }
    }

    private static Func<InteractionKind, double, double> WeightFunction(EngagementWeights? weights)
    {
        var copy = (weights ?? new EngagementWeights()).Clone();
        copy.Validate();
        return copy.WeightOf;
    }

    private sealed class UserEntry
    {
        public long LastTicks;
        public long Sessions;

        // Usually one entry: a player stays in one variant per experiment.
        public List<UserVariantEntry> Variants { get; } = new List<UserVariantEntry>(1);

        public UserVariantEntry? Find(string variant)
        {
            foreach (var uv in Variants)
            {
                if (string.Equals(uv.Variant, variant, StringComparison.Ordinal))
                {
                    return uv;
                }
            }

            return null;
        }
    }

    private sealed class UserVariantEntry
    {
        public UserVariantEntry(string variant) => Variant = variant;

        public string Variant { get; }

        public long LastDay;
        public EngagementCounts Counts;
    }

    private sealed class VariantEntry
    {
        public EngagementCounts Totals;

        public Dictionary<long, DayEntry> Days { get; } = new Dictionary<long, DayEntry>();
    }

    private sealed class DayEntry
    {
        public EngagementCounts Counts;
    }
}
