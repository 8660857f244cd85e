using System;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Fleet;

/// <summary>What <see cref="FleetTrainer"/> trained: the model (null without enough data), its summary, popularity per catalog item and figures.</summary>
internal sealed class FleetModel
{
    public FleetModel(CollaborativeModel? model, TrainingResult result, Popularity popularity, FleetTrainingReport report)
    {
        Model = model;
        Result = result;
        Popularity = popularity;
        Report = report;
    }

    public CollaborativeModel? Model { get; }

    public TrainingResult Result { get; }

    public Popularity Popularity { get; }

    public FleetTrainingReport Report { get; }
}

/// <summary>Per-item popularity counters as the engine keeps them (log2 of decayed popularity anchored at the decay epoch, impressions, engagements).</summary>
internal sealed class Popularity
{
    public Popularity(int items)
    {
        Log2 = new double[items];
        Log2.AsSpan().Fill(double.NegativeInfinity);
        Impressions = new long[items];
        Engagements = new long[items];
    }

    public double[] Log2 { get; }

    public long[] Impressions { get; }

    public long[] Engagements { get; }

    /// <summary>As the engine's Record: impressions counted, positive weights add engagement and decayed popularity.</summary>
    public void Add(int item, InteractionKind kind, double weight, long ticks, Decay decay)
    {
        if (kind == InteractionKind.Impression)
        {
            Impressions[item]++;
        }

        if (weight > 0)
        {
            Engagements[item]++;
            Log2[item] = decay.AddLog2(Log2[item], weight, ticks);
        }
    }

    public void Merge(Popularity other)
    {
        for (int i = 0; i < Log2.Length; i++)
        {
            Impressions[i] += other.Impressions[i];
            Engagements[i] += other.Engagements[i];
            double a = Log2[i], b = other.Log2[i];
            if (double.IsNegativeInfinity(b))
            {
                continue;
            }

            if (double.IsNegativeInfinity(a))
            {
                Log2[i] = b;
                continue;
            }

            double hi = Math.Max(a, b), lo = Math.Min(a, b);
            Log2[i] = hi + Math.Log(1.0 + Math.Pow(2.0, lo - hi), 2);
        }
    }
}
