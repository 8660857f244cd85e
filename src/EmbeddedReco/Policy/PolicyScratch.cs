using System;
using EmbeddedReco.Common;

namespace EmbeddedReco.Policy;

/// <summary>
/// Per-thread working memory of the list policy (candidates, MMR, exploration pool, recent-list penalty, picks): grown when
/// the catalog or the request grows, then reused, so a steady-state call allocates nothing. One instance per thread.
/// </summary>
internal sealed class PolicyScratch
{
    [ThreadStatic]
    private static PolicyScratch? t_current;

    public string[] RecentIds = Array.Empty<string>();
    public int[] RecentRows = Array.Empty<int>();
    public int[] PenalizedRows = Array.Empty<int>();
    public int[] Candidates = Array.Empty<int>();
    public float[] CandidateScores = Array.Empty<float>();
    public float[] MmrRelevance = Array.Empty<float>();
    public float[] MmrMaxSim = Array.Empty<float>();
    public bool[] MmrTaken = Array.Empty<bool>();
    public float[] MmrRows = Array.Empty<float>(); // the candidates' rows gathered contiguously (candidates x dimensions)
    public float[] MmrSims = Array.Empty<float>(); // one pick's similarity to every candidate
    public double[] MmrBound = Array.Empty<double>(); // lazy MMR: each candidate's value when last brought up to date
    public int[] MmrUpTo = Array.Empty<int>(); // lazy MMR: the picks each candidate's highest similarity includes
    public int[] Picked = Array.Empty<int>();
    public int[] PoolRows = Array.Empty<int>();
    public double[] PoolWeights = Array.Empty<double>();
    public long[] PoolKeys = Array.Empty<long>();
    public readonly RowStamps Listed = new RowStamps(); // rows in this call's greedy list or exploration pool
    public readonly RowStamps Seen = new RowStamps(); // rows the player of this call has seen (stamped while their state is read)
    public int SeenStamp; // the call's stamp in Seen; 0 = an unknown player (nothing seen)
    public PolicyPick[] Picks = Array.Empty<PolicyPick>();
    public string[] TagNames = new string[64];
    public int[] TagCounts = new int[64];

    /// <summary>The calling thread's instance, grown for <paramref name="candidates"/> candidates and a list of
    /// <paramref name="count"/> (only the row marks grow with the catalog) after <paramref name="recentIds"/> remembered ids.</summary>
    public static PolicyScratch For(int candidates, int count, int dimensions, int rows, int recentIds)
    {
        var s = t_current ??= new PolicyScratch();
        s.Ensure(candidates, count, dimensions, rows, recentIds);
        return s;
    }

    /// <summary>
    /// Grows every buffer for the given sizes (used directly by tests that own an instance). <paramref name="recentIds"/>: the ids
    /// the player's remembered lists hold when they are lists of this length (<see cref="PolicyOptions.RecentLists"/> x count), so
    /// a player's first remembered lists do not grow the buffers mid-call.
    /// </summary>
    public void Ensure(int candidates, int count, int dimensions, int rows, int recentIds = 0)
    {
        ScratchArray.Grow(ref RecentIds, recentIds);
        ScratchArray.Grow(ref RecentRows, recentIds);
        ScratchArray.Grow(ref PenalizedRows, recentIds);
        Listed.Grow(rows);
        Seen.Grow(rows);
        ScratchArray.Grow(ref MmrRows, candidates * dimensions); // MMR gathers at most the candidates' rows: sized here, never mid-call
        ScratchArray.Grow(ref Candidates, candidates);
        ScratchArray.Grow(ref CandidateScores, candidates);
        ScratchArray.Grow(ref MmrRelevance, candidates);
        ScratchArray.Grow(ref MmrMaxSim, candidates);
        ScratchArray.Grow(ref MmrTaken, candidates);
        ScratchArray.Grow(ref MmrSims, candidates);
        ScratchArray.Grow(ref MmrBound, candidates);
        ScratchArray.Grow(ref MmrUpTo, candidates);
        ScratchArray.Grow(ref PoolRows, candidates * 2);
        ScratchArray.Grow(ref PoolWeights, candidates * 2);
        ScratchArray.Grow(ref Picked, count);
        ScratchArray.Grow(ref Picks, count);
    }
}
