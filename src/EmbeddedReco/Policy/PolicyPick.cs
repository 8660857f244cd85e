namespace EmbeddedReco.Policy;

/// <summary>One slot of a list the policy chose: the catalog row, why it is there, and the probability it had of being there.</summary>
internal readonly struct PolicyPick
{
    public PolicyPick(int row, SuggestionSource source, double propensity)
    {
        Row = row;
        Source = source;
        Propensity = propensity;
    }

    /// <summary>The item's catalog row.</summary>
    public int Row { get; }

    /// <summary>Personalized, popular (greedy slots) or explore.</summary>
    public SuggestionSource Source { get; }

    /// <summary>The probability the policy had of putting this item in this slot.</summary>
    public double Propensity { get; }
}
