using EmbeddedReco.Profiles;

namespace EmbeddedReco.Tests.Profiles;

public class UserStateTests
{
    [Fact]
    public void Apply_ResultWouldOverflow_LeavesVectorUnchanged()
    {
        var user = new UserState("u", 2);
        var noDecay = new Decay(Timeout.InfiniteTimeSpan);
        user.Vector[0] = 3e38f;

        user.Apply(new float[] { 1, 0 }, 1e38, ticks: 20, noDecay);
        user.Apply(new float[] { 1e-30f, 0 }, 1e300, ticks: 30, noDecay);

        Assert.Equal(3e38f, user.Vector[0]);
        Assert.Equal(0f, user.Vector[1]);
    }

    [Fact]
    public void Apply_OrdinaryWeight_AddsScaledRow()
    {
        var user = new UserState("u", 2);
        var noDecay = new Decay(Timeout.InfiniteTimeSpan);

        user.Apply(new float[] { 0.6f, 0.8f }, 5, ticks: 10, noDecay);

        Assert.Equal(new[] { 3f, 4f }, user.Vector);
        Assert.Equal(10, user.LastTicks);
    }
}
