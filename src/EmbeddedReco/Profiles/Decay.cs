using System;
using System.Threading;

namespace EmbeddedReco.Profiles;

/// <summary>
/// Exponential decay by half-life, measured between interaction timestamps. Popularity is kept in log2 space against a fixed
/// epoch (L = log2 of the sum of w * 2^((t - epoch) / halfLife)), so adding an event never rescales every item and the ranking at
/// any time is the ranking by L.
/// </summary>
internal readonly struct Decay
{
    /// <summary>The fixed reference time of popularity values (2000-01-01 UTC).</summary>
    public static readonly long EpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly double _halfLifeTicks; // 0 = no decay

    public Decay(TimeSpan halfLife)
    {
        _halfLifeTicks = halfLife == Timeout.InfiniteTimeSpan ? 0 : halfLife.Ticks;
    }

    public bool Enabled => _halfLifeTicks > 0;

    /// <summary>The factor an old value keeps after <paramref name="elapsedTicks"/> (1 when elapsed is not positive or decay is off).</summary>
    public double Factor(long elapsedTicks) =>
        _halfLifeTicks > 0 && elapsedTicks > 0 ? Math.Pow(2.0, -elapsedTicks / _halfLifeTicks) : 1.0;

    /// <summary>
    /// A weight last updated at <paramref name="weightTicks"/>, decayed to <paramref name="nowTicks"/>: the one formula for a
    /// player's history weight, used by Suggest (the collaborative history) and Train.
    /// </summary>
    public double Decayed(float weight, long weightTicks, long nowTicks) => weight * Factor(nowTicks - weightTicks);

    /// <summary>Half-lives between the epoch and a time (0 when decay is off).</summary>
    public double HalfLivesSinceEpoch(long utcTicks) =>
        _halfLifeTicks > 0 ? (utcTicks - EpochTicks) / _halfLifeTicks : 0.0;

    /// <summary>Adds a positive weight at a time to a log2 popularity value (negative infinity = nothing yet).</summary>
    public double AddLog2(double log2Value, double weight, long utcTicks)
    {
        double add = Math.Log(weight, 2) + HalfLivesSinceEpoch(utcTicks);
        if (double.IsNegativeInfinity(log2Value))
        {
            return add;
        }

        double hi = Math.Max(log2Value, add);
        double lo = Math.Min(log2Value, add);
        return hi + Math.Log(1.0 + Math.Pow(2.0, lo - hi), 2);
    }

    /// <summary>The decayed value at a time of a log2 popularity value.</summary>
    public double ValueAt(double log2Value, long utcTicks) =>
        double.IsNegativeInfinity(log2Value) ? 0.0 : Math.Pow(2.0, log2Value - HalfLivesSinceEpoch(utcTicks));
}
