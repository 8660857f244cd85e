using System;
using EmbeddedReco.Catalog;

namespace EmbeddedReco.Scoring;

/// <summary>
/// The popularity scorer's normalized output (0..1 per row), computed once per change of the popularity column
/// (<see cref="MutableItemCounters.PopularityVersion"/>) or of the catalog, not once per call: a call reads it as one array in the
/// blend. Per thread (a thread's cache is only ever read by that thread), so no lock and no torn array; each thread rebuilds at
/// most once per popularity change, into its own reused buffer (allocation-free once grown).
/// </summary>
/// <remarks>
/// The values are bit-identical to what the pipeline computed per call before (the scorer's log2 scores, then the pipeline's
/// min-max), so lists do not change; see <see cref="PopularityScorer"/> for the scores themselves.
/// </remarks>
internal sealed class PopularityCache
{
    [ThreadStatic]
    private static PopularityCache? t_current;

    private MutableItemCounters? _owner;
    private long _version = -1;
    private float[] _values = Array.Empty<float>();
    private bool _any;

    /// <summary>
    /// The normalized popularity of every row of <paramref name="counters"/> (the first Count entries); false (abstain) when no item has engagement yet.
    /// Valid until this thread's next call.
    /// </summary>
    public static bool TryGet(MutableItemCounters counters, out float[] normalized)
    {
        var cache = t_current ??= new PopularityCache();
        long version = counters.PopularityVersion; // read before the values: a change while building makes the next call rebuild
        if (!ReferenceEquals(cache._owner, counters) || cache._version != version)
        {
            cache.Rebuild(counters, version);
        }

        normalized = cache._values; // at least counters.Count long
        return cache._any;
    }

    [System.Runtime.CompilerServices.MethodImpl(Common.HotPath.Optimize)]
    private void Rebuild(MutableItemCounters counters, long version)
    {
        Common.ScratchArray.Grow(ref _values, counters.Count);
        var values = _values.AsSpan(0, counters.Count);
        _any = PopularityScorer.Fill(counters, values);
        if (_any)
        {
            MinMax.Range(values, ScorerContract.Exclude, out float min, out float max);
            if (min <= max)
            {
                float scale = MinMax.Scale(min, max);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (values[i] - min) * scale;
                }
            }
        }

        _owner = counters;
        _version = version;
    }
}
