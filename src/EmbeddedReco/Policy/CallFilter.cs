using EmbeddedReco.Scoring;

namespace EmbeddedReco.Policy;

/// <summary>The per-call filters: required/excluded tags, excluded ids and the host's predicate.</summary>
internal readonly struct CallFilter : IRowFilter
{
    private readonly string[] _ids;
    private readonly string[][] _tags;
    private readonly SuggestOptions? _options;
    private readonly bool _active;

    public CallFilter(string[] ids, string[][] tags, SuggestOptions? options)
    {
        _ids = ids;
        _tags = tags;
        _options = options;
        _active = options is not null
            && ((options.RequiredTags?.Count ?? 0) > 0 || (options.ExcludedTags?.Count ?? 0) > 0
                || (options.ExcludedItems?.Count ?? 0) > 0 || options.Filter is not null);
    }

    /// <inheritdoc/>
    public bool AcceptsAll => !_active;

    public bool Accept(int row)
    {
        if (!_active)
        {
            return true;
        }

        var o = _options!;
        string id = _ids[row];
        string[] tags = _tags[row];
        if (o.ExcludedItems is { Count: > 0 } excludedItems && excludedItems.Contains(id))
        {
            return false;
        }

        if (o.RequiredTags is { Count: > 0 } required)
        {
            bool any = false;
            foreach (string t in tags)
            {
                if (required.Contains(t))
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                return false;
            }
        }

        if (o.ExcludedTags is { Count: > 0 } excluded)
        {
            foreach (string t in tags)
            {
                if (excluded.Contains(t))
                {
                    return false;
                }
            }
        }

        return o.Filter is null || o.Filter(id, tags);
    }
}
