namespace EmbeddedReco.Tests.Infrastructure;

public class AllocationMeterTests
{
    private static object? _sink;

    [Fact]
    public void SteadyStateBytes_AllocatingCall_ReportsEveryCleanCallsBytes()
    {
        _sink = new object();

        long allocated = AllocationMeter.SteadyStateBytes(() => _sink = new object(), cleanCalls: 50);

        Assert.Equal(50 * 24, allocated); // an object is 24 bytes on 64-bit .NET
    }

    [Fact]
    public void SteadyStateBytes_NonAllocatingCall_ReportsZero()
    {
        var data = new float[1000];

        long allocated = AllocationMeter.SteadyStateBytes(() => Array.Fill(data, 1f));

        Assert.Equal(0, allocated);
    }
}
