using System;

namespace EmbeddedReco.Suggesting;

/// <summary>
/// Records a shown list as impressions (<see cref="PolicyOptions.RecordShownAsImpressions"/>): the engine, called by a batch
/// right after each player's list so the next player of the batch sees the counters exactly as after a single call.
/// </summary>
internal interface IShownRecorder
{
    /// <summary>Records <paramref name="list"/> as shown to <paramref name="userId"/> at <paramref name="ticks"/>.</summary>
    void RecordShown(string userId, ReadOnlySpan<Suggestion> list, long ticks);
}
