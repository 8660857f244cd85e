using System;

namespace EmbeddedReco.Policy;

/// <summary>
/// The ids of the last few lists shown to one player (in memory only; a restart forgets them). Written by Suggest under
/// <see cref="Gate"/>; arrays grow only when a longer list is remembered, so steady state allocates nothing.
/// </summary>
internal sealed class RecentLists
{
    private string[][] _lists = Array.Empty<string[]>();
    private int[] _counts = Array.Empty<int>();
    private int _next;

    public object Gate { get; } = new object();

    /// <summary>How many ids the remembered lists hold at most (for sizing a copy buffer).</summary>
    public int Capacity
    {
        get
        {
            int total = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                total += _counts[i];
            }

            return total;
        }
    }

    public void Remember(ReadOnlySpan<Suggestion> list, int keep)
    {
        if (keep <= 0)
        {
            return;
        }

        if (_lists.Length != keep)
        {
            Array.Resize(ref _lists, keep);
            Array.Resize(ref _counts, keep);
            _next %= keep;
        }

        var slot = _lists[_next];
        if (slot is null || slot.Length < list.Length)
        {
            slot = new string[Math.Max(list.Length, 10)];
            _lists[_next] = slot;
        }

        for (int i = 0; i < list.Length; i++)
        {
            slot[i] = list[i].ItemId;
        }

        _counts[_next] = list.Length;
        _next = (_next + 1) % keep;
    }

    /// <summary>Copies the distinct remembered ids of the last <paramref name="keep"/> lists into <paramref name="destination"/>; returns the count.</summary>
    public int CopyTo(string[] destination, int keep)
    {
        int n = 0;
        int lists = Math.Min(keep, _lists.Length);
        for (int l = 0; l < lists; l++)
        {
            var slot = _lists[l];
            for (int i = 0; i < _counts[l] && slot is not null; i++)
            {
                string id = slot[i];
                if (Array.IndexOf(destination, id, 0, n) < 0 && n < destination.Length)
                {
                    destination[n++] = id;
                }
            }
        }

        return n;
    }
}
