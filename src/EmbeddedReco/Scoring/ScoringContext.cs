using System;
using System.Collections.Generic;
using EmbeddedReco.Catalog;
using EmbeddedReco.Profiles;

namespace EmbeddedReco;

/// <summary>
/// What a scorer may read during one <c>Suggest</c> call: the player (profile vector, weighted history, counters), the catalog
/// (ids, normalized vectors, tags, popularity and impression counters), the engine's clock and the host's per-call context.
/// A read-only view valid only during <see cref="IScorer.Score"/>: do not keep it, or spans from it, after the call returns.
/// </summary>
public readonly ref struct ScoringContext
{
    private readonly CatalogSnapshot _catalog;
    private readonly Decay _popularityDecay;
    private readonly long _nowTicks;

    internal ScoringContext(
        string userId,
        ReadOnlySpan<float> profile,
        ReadOnlySpan<UserHistoryEntry> history,
        long interactionCount,
        long positiveCount,
        CatalogSnapshot catalog,
        Decay popularityDecay,
        long nowTicks,
        IReadOnlyDictionary<string, object?>? context)
    {
        UserId = userId;
        ProfileVector = profile;
        History = history;
        UserInteractionCount = interactionCount;
        UserPositiveCount = positiveCount;
        _catalog = catalog;
        _popularityDecay = popularityDecay;
        _nowTicks = nowTicks;
        Context = context;
    }

    /// <summary>The player's id.</summary>
    public string UserId { get; }

    /// <summary>True when the player has a taste profile (at least one positive interaction on a catalog item).</summary>
    public bool HasProfile => !ProfileVector.IsEmpty;

    /// <summary>The player's taste vector normalized to unit length; empty on the cold-start path.</summary>
    public ReadOnlySpan<float> ProfileVector { get; }

    /// <summary>The player's weighted item history (items they interacted with, newest state of each); empty for a new player.</summary>
    public ReadOnlySpan<UserHistoryEntry> History { get; }

    /// <summary>The player's recorded interactions (all kinds).</summary>
    public long UserInteractionCount { get; }

    /// <summary>The player's interactions with a positive engagement weight.</summary>
    public long UserPositiveCount { get; }

    /// <summary>Number of catalog items: the length of the scores span; item rows are 0..ItemCount-1.</summary>
    public int ItemCount => _catalog.Count;

    /// <summary>Length of every item vector.</summary>
    public int Dimensions => _catalog.Dimensions;

    /// <summary>All item vectors, row-major, each normalized to unit length (row r = ItemMatrix[r*Dimensions .. (r+1)*Dimensions]).</summary>
    public ReadOnlySpan<float> ItemMatrix => _catalog.Vectors;

    /// <summary>The engine's clock at the start of the call.</summary>
    public DateTimeOffset Now => new DateTimeOffset(_nowTicks, TimeSpan.Zero);

    /// <summary>The host's per-call context (<see cref="SuggestOptions.Context"/>), or null.</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; }

    /// <summary>The id of the item at a row.</summary>
    /// <param name="row">0..ItemCount-1.</param>
    /// <returns>The item id.</returns>
    public string ItemId(int row) => _catalog.Ids[row];

    /// <summary>The tags of the item at a row (never null).</summary>
    /// <param name="row">0..ItemCount-1.</param>
    /// <returns>The tags.</returns>
    public IReadOnlyList<string> ItemTags(int row) => _catalog.Tags[row];

    /// <summary>The normalized vector of the item at a row.</summary>
    /// <param name="row">0..ItemCount-1.</param>
    /// <returns>A span of <see cref="Dimensions"/> values.</returns>
    public ReadOnlySpan<float> ItemVector(int row) => _catalog.Row(row);

    /// <summary>Finds the row of an item id.</summary>
    /// <param name="itemId">The item id.</param>
    /// <param name="row">The row, when found.</param>
    /// <returns>True when the item is in the catalog.</returns>
    public bool TryGetRow(string itemId, out int row) => _catalog.Index.TryGetValue(itemId, out row);

    /// <summary>The item's time-decayed positive engagement (sum of weights, halved every <see cref="RecoEngineOptions.PopularityHalfLife"/>) at <see cref="Now"/>.</summary>
    /// <param name="row">0..ItemCount-1.</param>
    /// <returns>The decayed engagement, 0 when none.</returns>
    public double Popularity(int row) => _popularityDecay.ValueAt(_catalog.Counters.PopularityLog2(row), _nowTicks);

    /// <summary>Impressions recorded for the item over all players.</summary>
    /// <param name="row">0..ItemCount-1.</param>
    /// <returns>The count.</returns>
    public long Impressions(int row) => _catalog.Counters.Impressions(row);

    /// <summary>Positive interactions recorded for the item over all players.</summary>
    /// <param name="row">0..ItemCount-1.</param>
    /// <returns>The count.</returns>
    public long Engagements(int row) => _catalog.Counters.Engagements(row);







    /// <summary>Reads a typed value from <see cref="Context"/>; numeric values convert between int, long, float and double.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="key">The context key.</param>
    /// <param name="value">The value, when present and convertible.</param>
    /// <returns>True when found and convertible.</returns>
    public bool TryGetContext<T>(string key, out T value)
    {
        value = default!;
        if (Context is null || !Context.TryGetValue(key, out object? raw) || raw is null)
        {
            return false;
        }

        if (raw is T typed)
        {
            value = typed;
            return true;
        }

        if (raw is IConvertible && (typeof(T) == typeof(double) || typeof(T) == typeof(int) || typeof(T) == typeof(long) || typeof(T) == typeof(float)))
        {
            try
            {
                value = (T)Convert.ChangeType(raw, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception ex) when (ex is InvalidCastException || ex is FormatException || ex is OverflowException)
            {
                return false;
            }
        }

        return false;
    }
}
