using System;
using EmbeddedReco.Catalog;
using EmbeddedReco.Common;

namespace EmbeddedReco.Policy;

/// <summary>
/// The recent-list penalty: items of the player's last <see cref="PolicyOptions.RecentLists"/> lists lose
/// <see cref="PolicyOptions.RecentListPenalty"/> from their blended score, so the next list moves on. Returns how many rows were
/// penalized (their rows are in <see cref="PolicyScratch.PenalizedRows"/>, for the breakdown).
/// </summary>
internal static class RecentPenalty
{
    public static int Apply(RecentLists? recent, CatalogSnapshot catalog, Span<float> blended, PolicyScratch scratch, PolicyOptions policy)
    {
        if (policy.RecentLists <= 0 || policy.RecentListPenalty <= 0 || recent is null)
        {
            return 0;
        }

        int ids;
        lock (recent.Gate)
        {
            ScratchArray.Grow(ref scratch.RecentIds, recent.Capacity);
            ids = recent.CopyTo(scratch.RecentIds, policy.RecentLists);
        }

        ScratchArray.Grow(ref scratch.PenalizedRows, ids);
        float penalty = (float)policy.RecentListPenalty;
        int penalized = 0;
        for (int i = 0; i < ids; i++)
        {
            if (catalog.Index.TryGetValue(scratch.RecentIds[i], out int row) && !float.IsNaN(blended[row]))
            {
                blended[row] -= penalty;
                scratch.PenalizedRows[penalized++] = row;
            }
        }

        return penalized;
    }
}
