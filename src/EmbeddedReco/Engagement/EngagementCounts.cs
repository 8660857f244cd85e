namespace EmbeddedReco.Engagement;

/// <summary>Mutable engagement counters: plain data, also the unit of the exported state.</summary>
internal struct EngagementCounts
{
    public long Users;
    public long Interactions;
    public long Impressions;
    public long Clicks;
    public long Purchases;
    public double PlaySeconds;
    public long Sessions;
    public long RepeatSessions;
    public double Score;

    public void Add(in EngagementCounts other)
    {
        Users += other.Users;
        Interactions += other.Interactions;
        Impressions += other.Impressions;
        Clicks += other.Clicks;
        Purchases += other.Purchases;
        PlaySeconds += other.PlaySeconds;
        Sessions += other.Sessions;
        RepeatSessions += other.RepeatSessions;
        Score += other.Score;
    }

    /// <summary>Adds one interaction (without the user count).</summary>
    public void Count(InteractionKind kind, double value, double weight, bool newSession, bool repeatSession)
    {
        Interactions++;
        switch (kind)
        {
            case InteractionKind.Impression:
                Impressions++;
                break;
            case InteractionKind.Click:
                Clicks++;
                break;
            case InteractionKind.Purchase:
                Purchases++;
                break;
            case InteractionKind.Play:
                PlaySeconds += value > 0 ? value : 0;
                break;
        }

        if (newSession)
        {
            Sessions++;
            if (repeatSession)
            {
                RepeatSessions++;
            }
        }

        Score += weight;
    }
}
