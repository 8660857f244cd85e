using System;

namespace EmbeddedReco.Profiles;

/// <summary>What one player did with one item: the weighted history used by scorers and the exposure used by the cooldown.</summary>
internal sealed class UserItemState
{
    /// <summary>Sum of engagement weights (impressions excluded), decayed to <see cref="WeightTicks"/>.</summary>
    public float Weight { get; set; }

    public long WeightTicks { get; set; }

    /// <summary>Impressions since the last positive engagement (reset when the cooldown starts).</summary>
    public int Ignored { get; set; }

    public long LastShownTicks { get; set; }

    /// <summary>UTC ticks until which the item is not suggested to the player; 0 = none.</summary>
    public long CooldownUntilTicks { get; set; }

    /// <summary>The latest interaction of any kind, for eviction.</summary>
    public long LastTouchTicks { get; set; }

    /// <summary>
    /// Position in the player's history (ascending = the order <see cref="UserState.Items"/> enumerates): stored with the state,
    /// so a reopened engine enumerates the history in the same order and sums scores bit for bit the same.
    /// </summary>
    public long Seq { get; set; }

    /// <summary>The item's row in the catalog numbered <see cref="RowGeneration"/> (-1: not in it); a cache, not stored or copied.</summary>
    public int Row { get; set; }

    /// <summary>The <see cref="Catalog.CatalogSnapshot.Generation"/> <see cref="Row"/> refers to; 0 = not known.</summary>
    public long RowGeneration { get; set; }

    /// <summary>The item's row in <paramref name="catalog"/> (-1 when it is not there): the cached one when it refers to this
    /// catalog, else looked up and cached. Call under the player's lock.</summary>
    public int RowIn(string itemId, Catalog.CatalogSnapshot catalog)
    {
        if (RowGeneration != catalog.Generation)
        {
            Row = catalog.Index.TryGetValue(itemId, out int row) ? row : -1;
            RowGeneration = catalog.Generation;
        }

        return Row;
    }

    /// <summary>A detached copy of the snapshot-relevant fields (everything but <see cref="Seq"/>).</summary>
    public UserItemState Copy() => new UserItemState
    {
        Weight = Weight,
        WeightTicks = WeightTicks,
        Ignored = Ignored,
        LastShownTicks = LastShownTicks,
        CooldownUntilTicks = CooldownUntilTicks,
        LastTouchTicks = LastTouchTicks,
    };

    /// <summary>Whether the item is in cooldown at <paramref name="nowTicks"/> (excluded from the player's lists).</summary>
    public bool InCooldown(long nowTicks) => CooldownUntilTicks > nowTicks;

    /// <summary>
    /// The item was shown (an impression): one more ignored showing, and after <paramref name="cooldownImpressions"/> of them
    /// (0 = never) the item rests for <paramref name="cooldownPeriod"/>.
    /// </summary>
    public void Shown(long ticks, int cooldownImpressions, TimeSpan cooldownPeriod)
    {
        Ignored++;
        LastShownTicks = Math.Max(LastShownTicks, ticks);
        if (cooldownImpressions > 0 && Ignored >= cooldownImpressions)
        {
            CooldownUntilTicks = ticks + cooldownPeriod.Ticks;
            Ignored = 0;
        }
    }

    /// <summary>
    /// The player engaged (any kind but an impression) with weight <paramref name="weight"/>: the history weight decays to the
    /// newer of the two times and adds it; a positive engagement ends any ignoring and cooldown.
    /// </summary>
    public void Engaged(double weight, long ticks, in Decay decay)
    {
        if (weight == 0)
        {
            return;
        }

        if (ticks >= WeightTicks)
        {
            Weight = (float)((Weight * decay.Factor(ticks - WeightTicks)) + weight);
            WeightTicks = ticks;
        }
        else
        {
            Weight += (float)(weight * decay.Factor(WeightTicks - ticks));
        }

        if (weight > 0)
        {
            Ignored = 0;
            CooldownUntilTicks = 0;
        }
    }
}
