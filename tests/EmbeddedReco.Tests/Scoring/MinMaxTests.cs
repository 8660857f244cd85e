using EmbeddedReco.Scoring;

namespace EmbeddedReco.Tests.Scoring;

public class MinMaxTests
{
    [Fact]
    public void Range_SkipValueAndNaN_NeitherBecomesABound()
    {
        MinMax.Range(new[] { 3f, ScorerContract.Exclude, float.NaN, -2f }, ScorerContract.Exclude, out float min, out float max);

        Assert.Equal((-2f, 3f), (min, max));
    }

    [Fact]
    public void Range_Empty_PositiveAndNegativeInfinity()
    {
        MinMax.Range(ReadOnlySpan<float>.Empty, out float min, out float max);

        Assert.Equal((float.PositiveInfinity, float.NegativeInfinity), (min, max));
    }

    [Theory]
    [InlineData(1f, 1f, 1f, 0f)]
    [InlineData(-2f, 3f, 1f, 0.2f)]
    [InlineData(0f, 4f, 2f, 0.5f)]
    public void Scale_Range_TargetOverWidthOrZero(float min, float max, float target, float expected)
    {
        Assert.Equal(expected, MinMax.Scale(min, max, target));
    }
}
