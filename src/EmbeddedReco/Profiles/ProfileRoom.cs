using System;
using System.Collections.Concurrent;
using System.Threading;

namespace EmbeddedReco.Profiles;

/// <summary>
/// Room for the state a <c>Record</c> adds, made off the game's thread: new per-item states taken from a pool, and players' item
/// and consumed sets grown ahead of need. A Record that adds a player's first interaction with an item takes a ready
/// <see cref="UserItemState"/> and, when the player's sets are close to full, asks for room; the engine's writer thread, after
/// each commit (<see cref="Make"/>), refills the pool (to twice as many once more than half was taken between two commits) and
/// grows the sets asked for. So a Record allocates only when it outruns the writer (a pool drained between two commits, a set
/// filled before its growth): then it allocates as before.
/// </summary>
internal sealed class ProfileRoom
{
    /// <summary>
    /// Item states the pool starts with and refills to (about 40 KB); doubled (up to <see cref="MaxStates"/>) when a commit finds
    /// that more than half of it was taken since the last one, before it runs dry (a writer falling behind for a while).
    /// </summary>
    internal const int MinStates = 512;

    /// <summary>The most item states the pool keeps ready (about 650 KB).</summary>
    internal const int MaxStates = 8192;

    /// <summary>Requests the queue holds between two commits before its ring must grow.</summary>
    private const int RequestSlots = 1024;

    private readonly ConcurrentQueue<UserItemState> _states = new ConcurrentQueue<UserItemState>();
    private readonly ConcurrentQueue<UserState> _needRoom = new ConcurrentQueue<UserState>();
    private int _target = MinStates;
    private int _ranDry; // 1 when a Take found the pool empty since the last Make

    public ProfileRoom()
    {
        Refill();
        Common.QueueRing.Grow(_needRoom, RequestSlots); // a request does not allocate on a producer
    }

    /// <summary>Item states ready in the pool.</summary>
    public int Ready => _states.Count;

    /// <summary>A new item state: a ready one, or allocated here when the pool ran dry.</summary>
    public UserItemState Take()
    {
        if (_states.TryDequeue(out var state))
        {
            return state;
        }

        Volatile.Write(ref _ranDry, 1);
        return new UserItemState();
    }

    /// <summary>Asks the writer thread to grow <paramref name="user"/>'s sets (once until it has: see <see cref="UserState.MakeRoom"/>).</summary>
    public void Request(UserState user) => _needRoom.Enqueue(user);

    /// <summary>On the writer thread, after a commit: grows the sets asked for and refills the pool.</summary>
    public void Make()
    {
        while (_needRoom.TryDequeue(out var user))
        {
            user.MakeRoom();
        }

        if (Interlocked.Exchange(ref _ranDry, 0) == 1 || _states.Count < _target / 2)
        {
            _target = Math.Min(MaxStates, _target * 2);
        }

        Refill();
    }

    private void Refill()
    {
        for (int ready = _states.Count; ready < _target; ready++)
        {
            _states.Enqueue(new UserItemState());
        }
    }
}
