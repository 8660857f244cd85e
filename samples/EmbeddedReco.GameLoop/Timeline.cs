namespace EmbeddedReco.GameLoop;

/// <summary>Engagement per variant per time bucket of simulated time; plain arrays, updated without allocating.</summary>
internal sealed class Timeline
{
    public Timeline(int variants, int buckets, int bucketSeconds)
    {
        Variants = variants;
        Buckets = buckets;
        BucketSeconds = bucketSeconds;
        Visits = new long[variants, buckets];
        Impressions = new long[variants, buckets];
        Clicks = new long[variants, buckets];
        Purchases = new long[variants, buckets];
        PlaySeconds = new double[variants, buckets];
        Score = new double[variants, buckets];
        Active = new int[variants, buckets];
    }

    public int Variants { get; }

    public int Buckets { get; }

    public int BucketSeconds { get; }

    public long[,] Visits { get; }

    public long[,] Impressions { get; }

    public long[,] Clicks { get; }

    public long[,] Purchases { get; }

    public double[,] PlaySeconds { get; }

    /// <summary>Sum of engagement weights (EngagementWeights.WeightOf) of all interactions.</summary>
    public double[,] Score { get; }

    /// <summary>Players who had not churned at the end of the bucket.</summary>
    public int[,] Active { get; }

    public void Add(int variant, int bucket, in Interaction interaction, double weight)
    {
        switch (interaction.Kind)
        {
            case InteractionKind.Impression: Impressions[variant, bucket]++; break;
            case InteractionKind.Click: Clicks[variant, bucket]++; break;
            case InteractionKind.Purchase: Purchases[variant, bucket]++; break;
            case InteractionKind.Play: PlaySeconds[variant, bucket] += interaction.Value; break;
        }

        Score[variant, bucket] += weight;
    }
}
