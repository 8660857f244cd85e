namespace EmbeddedReco.Tests.Profiles;

public class InteractionKindsTests
{
    [Fact]
    public void Count_EveryDefinedKind_IndexesBelowCount()
    {
        var kinds = (InteractionKind[])Enum.GetValues(typeof(InteractionKind));

        Assert.Equal(kinds.Max(k => (int)k) + 1, InteractionKinds.Count);
        Assert.All(kinds, k => Assert.InRange((int)k, 0, InteractionKinds.Count - 1));
    }
}
