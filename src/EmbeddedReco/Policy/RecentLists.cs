using System;
using System.Collections.Generic;

namespace EmbeddedReco.Policy;

/// <summary>
/// The ids of the last few lists shown to one player and the count of lists shown (the player's seed stream). Written by Suggest
/// under <see cref="Gate"/>; arrays grow only when a longer list is remembered, so steady state allocates nothing. Stored with the
/// player's profile at the next flush, checkpoint or profile write (players without a profile keep it in memory only).
/// </summary>
internal sealed class RecentLists
{
    private string[][] _lists = Array.Empty<string[]>();
    private int[] _counts = Array.Empty<int>();
    private int _next;

    public object Gate { get; } = new object();

    /// <summary>How many lists were shown to the player: with the player's id it seeds the next list's random choices.</summary>
    public long Calls { get; set; }

    /// <summary>True when the lists or <see cref="Calls"/> changed since the writer last stored them with the player's profile.
    /// Stored at the next flush, checkpoint or profile write, not per Suggest (see <c>RecoEngine.CollectShownLists</c>).</summary>
    public bool Dirty { get; set; }

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
            for (int i = 0; i < keep; i++)
            {
                // The slots still empty too, at the player's first list: the next lists of that length allocate nothing.
                _lists[i] ??= new string[slot.Length];
            }
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

    /// <summary>The remembered lists, oldest first (for persistence).</summary>
    public List<string[]> Export()
    {
        var result = new List<string[]>(_lists.Length);
        for (int i = 0; i < _lists.Length; i++)
        {
            int slot = (_next + i) % _lists.Length;
            if (_lists[slot] is { } list && _counts[slot] > 0)
            {
                result.Add(list.AsSpan(0, _counts[slot]).ToArray());
            }
        }

        return result;
    }

    /// <summary>Restores lists exported by <see cref="Export"/> (oldest first), keeping the newest <paramref name="keep"/>.</summary>
    public void Import(IReadOnlyList<string[]> lists, int keep)
    {
        foreach (var list in lists)
        {
            var items = new Suggestion[list.Length];
            for (int i = 0; i < list.Length; i++)
            {
                items[i] = new Suggestion(list[i], 0, SuggestionSource.Personalized, 1);
            }

            Remember(items, keep);
        }
    }
}
