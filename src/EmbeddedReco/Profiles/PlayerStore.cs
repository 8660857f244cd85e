using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Engagement;
using EmbeddedReco.Policy;

namespace EmbeddedReco.Profiles;

/// <summary>
/// Every player the engine knows, in one place: their profiles and per-item states (<see cref="UserState"/>), their shown-list
/// memory and seed streams (<see cref="RecentLists"/>) and their engagement (<see cref="EngagementAggregator"/>). Forgetting a
/// player, a snapshot swap and a snapshot capture touch this one object.
/// </summary>
/// <remarks>
/// Thread safety: lookups are lock-free (concurrent dictionaries); each player's state is guarded by its own gate. The profile
/// set is replaced as a whole by a snapshot load (<see cref="ReplaceProfiles"/>), under the engine's mutation lock and inside
/// its state-version swap, so a <c>Suggest</c> that read <see cref="Profiles"/> in its consistent read keeps a coherent set.
/// </remarks>
internal sealed class PlayerStore
{
    private readonly int _dimensions;
    private readonly int _recentListsKept;
    private readonly ConcurrentDictionary<string, RecentLists> _recent = new ConcurrentDictionary<string, RecentLists>(StringComparer.Ordinal);
    private ConcurrentDictionary<string, UserState> _users = new ConcurrentDictionary<string, UserState>(StringComparer.Ordinal);

    public PlayerStore(int dimensions, int recentListsKept, EngagementAggregator engagement)
    {
        _dimensions = dimensions;
        _recentListsKept = recentListsKept;
        Engagement = engagement;
    }

    /// <summary>The players' engagement totals (per player, per variant, per day).</summary>
    public EngagementAggregator Engagement { get; }

    /// <summary>Room for the state Records add, made by the writer thread (<see cref="ProfileRoom"/>).</summary>
    public ProfileRoom Room { get; } = new ProfileRoom();

    /// <summary>Number of players with a profile.</summary>
    public int Count => Volatile.Read(ref _users).Count;

    /// <summary>The current profile set (replaced as a whole by a snapshot load; read it once per operation).</summary>
    public ConcurrentDictionary<string, UserState> Profiles => Volatile.Read(ref _users);

    /// <summary>A player's profile, or null.</summary>
    public UserState? Find(string userId) => Volatile.Read(ref _users).TryGetValue(userId, out var user) ? user : null;

    /// <summary>A player's profile, created empty when missing.</summary>
    public UserState GetOrAdd(string userId) =>
        Volatile.Read(ref _users).GetOrAdd(userId, static (id, dims) => new UserState(id, dims), _dimensions);

    /// <summary>A player's shown-list memory, or null.</summary>
    public RecentLists? FindRecent(string userId) => _recent.TryGetValue(userId, out var recent) ? recent : null;

    /// <summary>A player's shown-list memory, created empty when missing.</summary>
    public RecentLists GetOrAddRecent(string userId) => _recent.GetOrAdd(userId, static _ => new RecentLists());

    /// <summary>Forgets everything about a player (profile, shown lists, engagement). True when they had a profile.</summary>
    public bool Forget(string userId)
    {
        bool removed = Volatile.Read(ref _users).TryRemove(userId, out _);
        _recent.TryRemove(userId, out _);
        Engagement.ForgetUser(userId);
        return removed;
    }

    /// <summary>
    /// Publishes a loaded profile set (a snapshot's) and drops the shown-list memory, which belonged to the replaced profiles.
    /// Returns the replaced set. Call under the engine's mutation lock.
    /// </summary>
    public ConcurrentDictionary<string, UserState> ReplaceProfiles(ConcurrentDictionary<string, UserState> next)
    {
        var old = Volatile.Read(ref _users);
        Volatile.Write(ref _users, next);
        return old;
    }

    /// <summary>Drops every player's shown-list memory (after <see cref="ReplaceProfiles"/>).</summary>
    public void ClearShownLists() => _recent.Clear();

    /// <summary>Takes the players read from the database at open (writer thread, before the engine is published).</summary>
    public void Load(Dictionary<string, UserState> users, Dictionary<string, (long Calls, List<string[]> Lists)> recent, EngagementState engagement, long sessionGapTicks)
    {
        var profiles = Volatile.Read(ref _users);
        foreach (var pair in users)
        {
            profiles[pair.Key] = pair.Value;
        }

        foreach (var pair in recent)
        {
            var lists = new RecentLists { Calls = pair.Value.Calls };
            lists.Import(pair.Value.Lists, _recentListsKept);
            _recent[pair.Key] = lists;
        }

        engagement.SessionGapTicks = sessionGapTicks;
        Engagement.Import(engagement);
    }

    /// <summary>Adds to <paramref name="ids"/> every player with a profile whose shown lists changed since they were last stored.</summary>
    public void CollectDirtyShownLists(List<string> ids)
    {
        var profiles = Volatile.Read(ref _users);
        foreach (var pair in _recent)
        {
            bool dirty;
            lock (pair.Value.Gate)
            {
                dirty = pair.Value.Dirty;
            }

            if (dirty && profiles.ContainsKey(pair.Key))
            {
                ids.Add(pair.Key);
            }
        }
    }
}
