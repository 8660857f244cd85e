using EmbeddedReco.Profiles;

namespace EmbeddedReco.Tests.Profiles;

/// <summary>The room the writer thread makes for the state Records add: pooled item states and players' sets grown ahead.</summary>
public sealed class ProfileRoomTests
{
    [Fact]
    public void Make_AfterThePoolRanDry_RefillsItToTwiceAsMany()
    {
        var room = new ProfileRoom();
        Assert.Equal(ProfileRoom.MinStates, room.Ready);
        var taken = new HashSet<UserItemState>();
        for (int i = 0; i <= ProfileRoom.MinStates; i++)
        {
            taken.Add(room.Take()); // the last one is allocated by Take: the pool is empty
        }

        room.Make();

        Assert.Equal(ProfileRoom.MinStates + 1, taken.Count);
        Assert.Equal(2 * ProfileRoom.MinStates, room.Ready);
    }

    [Fact]
    public void Make_MoreThanHalfThePoolTakenSinceTheLastCommit_DoublesItBeforeItRunsDry()
    {
        var room = new ProfileRoom();
        for (int i = 0; i <= ProfileRoom.MinStates / 2; i++)
        {
            room.Take();
        }

        room.Make();

        Assert.Equal(2 * ProfileRoom.MinStates, room.Ready);
    }

    [Fact]
    public void Make_LessThanHalfThePoolTaken_RefillsItToTheSameSize()
    {
        var room = new ProfileRoom();
        for (int i = 0; i < ProfileRoom.MinStates / 2; i++)
        {
            room.Take();
        }

        room.Make();

        Assert.Equal(ProfileRoom.MinStates, room.Ready);
    }

    [Fact]
    public void Make_PlayerWhoseItemsAreNearlyFull_GrowsTheSetsBeforeTheyFill()
    {
        var room = new ProfileRoom();
        var user = new UserState("p", 4);
        for (int i = 0; i < 30; i++)
        {
            lock (user.Gate)
            {
                user.Touch($"item-{i}", i, room, out _);
                user.AddConsumed($"item-{i}", room);
            }
        }

        room.Make();

        Assert.True(user.Items.EnsureCapacity(0) >= (2 * 30) + UserState.RoomAhead, $"items capacity {user.Items.EnsureCapacity(0)}");
        Assert.True(user.Consumed.EnsureCapacity(0) >= (2 * 30) + UserState.RoomAhead, $"consumed capacity {user.Consumed.EnsureCapacity(0)}");
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"item-{i}"), user.Items.Keys); // growing keeps the history's order
    }
}
