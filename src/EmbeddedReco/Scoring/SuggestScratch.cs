using System;
using EmbeddedReco.Common;

namespace EmbeddedReco.Scoring;

/// <summary>
/// Per-thread working memory of <c>Suggest</c>'s player read and scoring (the list policy has its own,
/// <see cref="Policy.PolicyScratch"/>): grown when the catalog or the player's history grows, then reused, so a steady-state call
/// allocates nothing. One instance per thread, never shared.
/// </summary>
internal sealed class SuggestScratch
{
    [ThreadStatic]
    private static SuggestScratch? t_current;

    public float[] Blended = Array.Empty<float>();
    public float[][] PerScorer = Array.Empty<float[]>();
    public float[] WeightsUsed = Array.Empty<float>();
    public float[] Query = Array.Empty<float>();
    public UserHistoryEntry[] History = Array.Empty<UserHistoryEntry>();
    public int[] ModelItems = Array.Empty<int>();
    public float[] ModelWeights = Array.Empty<float>();
    public int[] ExcludedRows = Array.Empty<int>();

    /// <summary>The call's float32 rescoring of int8 candidates (reused).</summary>
    public readonly CandidateRescorer Rescorer = new CandidateRescorer();

    /// <summary>The profile quantized for the int8 scan.</summary>
    public short[] QueryCodes = Array.Empty<short>();

    /// <summary>This call's content scorer (its raw similarities are <see cref="ContentRaw"/>), or -1.</summary>
    public int ContentIndex = -1;

    /// <summary>The raw content similarities of this call: the scorer's row of <see cref="PerScorer"/>, or a batch's shared scan.</summary>
    public float[] ContentRaw = Array.Empty<float>();

    /// <summary>The content normalization: normalized = (raw - ContentMin) x ContentScale.</summary>
    public float ContentMin;

    /// <inheritdoc cref="ContentMin"/>
    public float ContentScale;

    /// <summary>This call's popularity scorer (its normalized values are <see cref="Popularity"/>), or -1.</summary>
    public int PopularityIndex = -1;

    /// <summary>The thread's cached normalized popularity (see <see cref="PopularityCache"/>).</summary>
    public float[] Popularity = Array.Empty<float>();

    /// <summary>
    /// Set by a batch (<c>SuggestMany</c>) for the player being served: the content scores already computed in the shared scan
    /// (raw similarities and their range), so the call does not read the catalog again. Null for a single call.
    /// </summary>
    public float[]? PrecomputedContent;

    /// <inheritdoc cref="PrecomputedContent"/>
    public float PrecomputedMin;

    /// <inheritdoc cref="PrecomputedContent"/>
    public float PrecomputedMax;

    /// <summary>The normalized output of scorer <paramref name="scorer"/> for a row in this call (what the blend added, divided by the weight).</summary>
    public float NormalizedAt(int scorer, int row) =>
        scorer == ContentIndex ? (ContentRaw[row] - ContentMin) * ContentScale
        : scorer == PopularityIndex ? Popularity[row]
        : PerScorer[scorer][row];

    /// <summary>
    /// The calling thread's instance, grown for a catalog of <paramref name="items"/> rows, the player-read buffers included
    /// (<see cref="Profiles.UserState.SizeReadBuffers"/>).
    /// </summary>
    public static SuggestScratch For(int items, int dimensions, int scorers)
    {
        var s = t_current ??= new SuggestScratch();
        Profiles.UserState.SizeReadBuffers(ref s.History, ref s.ExcludedRows, items);
        ScratchArray.Grow(ref s.Blended, items);
        ScratchArray.Grow(ref s.Query, dimensions);
        ScratchArray.Grow(ref s.QueryCodes, dimensions);
        ScratchArray.Grow(ref s.WeightsUsed, scorers);
        if (s.PerScorer.Length < scorers)
        {
            Array.Resize(ref s.PerScorer, scorers);
        }

        for (int i = 0; i < scorers; i++)
        {
            s.PerScorer[i] ??= Array.Empty<float>();
            ScratchArray.Grow(ref s.PerScorer[i], items);
        }

        return s;
    }
}
