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

        int ids, rows;
        lock (recent.Gate)
        {
            ScratchArray.Grow(ref scratch.RecentIds, recent.Capacity);
            ScratchArray.Grow(ref scratch.RecentRows, recent.Capacity);
            ids = recent.CopyTo(scratch.RecentIds, scratch.RecentRows, catalog.Generation, policy.RecentLists, out rows);
        }

        ScratchArray.Grow(ref scratch.PenalizedRows, ids + rows);
        float penalty = (float)policy.RecentListPenalty;
        int penalized = 0;

        // Lists shown from this catalog: their rows, no lookup.
        for (int i = 0; i < rows; i++)
        {
            int row = scratch.RecentRows[i];
            if (!float.IsNaN(blended[row]))
            {
                blended[row] -= penalty;
                scratch.PenalizedRows[penalized++] = row;
            }
        }

        // Lists from another catalog or restored from storage: by id, each row once (it may be among the rows above).
        int byRow = penalized;
        for (int i = 0; i < ids; i++)
        {
            if (catalog.Index.TryGetValue(scratch.RecentIds[i], out int row) && !float.IsNaN(blended[row])
                && Array.IndexOf(scratch.PenalizedRows, row, 0, byRow) < 0)
            {
                blended[row] -= penalty;
                scratch.PenalizedRows[penalized++] = row;
            }
        }

        return penalized;
    }
}
