using System;
using System.Threading;

namespace EmbeddedReco.Background;

/// <summary>
/// Progress reported by lowered training workers, handed to the host's <see cref="IProgress{T}"/> by the thread that waits for
/// them: host code never runs on a lowered thread (a <see cref="Progress{T}"/> posts to the thread pool, and a pool thread started
/// from a lowered thread would stay lowered).
/// </summary>
internal sealed class ProgressRelay : IProgress<double>
{
    private long _latestBits = BitConverter.DoubleToInt64Bits(-1);
    private long _reportedBits = BitConverter.DoubleToInt64Bits(-1);

    /// <summary>A worker reports (keeps the latest value only).</summary>
    public void Report(double value) => Interlocked.Exchange(ref _latestBits, BitConverter.DoubleToInt64Bits(value));

    /// <summary>The waiting thread hands the latest value to <paramref name="progress"/> when it changed.</summary>
    public void ReportTo(IProgress<double> progress)
    {
        long latest = Interlocked.Read(ref _latestBits);
        if (latest != _reportedBits)
        {
            _reportedBits = latest;
            progress.Report(BitConverter.Int64BitsToDouble(latest));
        }
    }
}
