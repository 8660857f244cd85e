using System;
using System.Collections.Generic;

namespace EmbeddedReco.Policy;

/// <summary>
/// The ids of the last few lists shown to one player and the count of lists shown (the player's seed stream). Written by Suggest
/// under <see cref="Gate"/>; arrays grow only when a longer list is remembered, so steady state allocates nothing. Stored with the
/// player's profile at the next flush, checkpoint or profile write (players without a profile keep it in memory only).
/// A list remembered by a call also keeps its catalog rows and that catalog's <see cref="Catalog.CatalogSnapshot.Generation"/>:
/// while the catalog is the same, the recent-list penalty uses the rows instead of looking each id up (a few cache misses per
/// id in a cold call); a list from another catalog, or restored from storage, is looked up by id.
/// </summary>
internal sealed class RecentLists
{
    private string[][] _lists = Array.Empty<string[]>();
    private int[][] _rows = Array.Empty<int[]>();
    private long[] _generations = Array.Empty<long>(); // per list: the catalog its rows are for; 0 = rows unknown
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

    /// <summary>
    /// Remembers a shown list, the oldest of <paramref name="keep"/> lists making room. <paramref name="picks"/>: the picks the list
    /// was made of, one per item, rows of the catalog of <paramref name="generation"/> (empty, or generation 0, when unknown: the
    /// penalty then looks the ids up).
    /// </summary>
    public void Remember(ReadOnlySpan<Suggestion> list, int keep, ReadOnlySpan<PolicyPick> picks = default, long generation = 0)
    {
        if (keep <= 0)
        {
            return;
        }

        if (_lists.Length != keep)
        {
            Array.Resize(ref _lists, keep);
            Array.Resize(ref _rows, keep);
            Array.Resize(ref _generations, keep);
            Array.Resize(ref _counts, keep);
            _next %= keep;
        }

        var slot = _lists[_next];
        if (slot is null || slot.Length < list.Length)
        {
            int length = Math.Max(list.Length, 10);
            _lists[_next] = slot = new string[length];
            _rows[_next] = new int[length];
            for (int i = 0; i < keep; i++)
            {
                // The slots still empty too, at the player's first list: the next lists of that length allocate nothing.
                _lists[i] ??= new string[length];
                _rows[i] ??= new int[length];
            }
        }

        for (int i = 0; i < list.Length; i++)
        {
            slot[i] = list[i].ItemId;
        }

        bool rowsKnown = generation != 0 && picks.Length == list.Length;
        if (rowsKnown)
        {
            var rows = _rows[_next];
            for (int i = 0; i < picks.Length; i++)
            {
                rows[i] = picks[i].Row;
            }
        }

        _generations[_next] = rowsKnown ? generation : 0;
        _counts[_next] = list.Length;
        _next = (_next + 1) % keep;
    }

    /// <summary>
    /// Copies the distinct items of the last <paramref name="keep"/> lists: the rows of the lists remembered with the catalog of
    /// <paramref name="generation"/> into <paramref name="rows"/> (<paramref name="rowCount"/> of them), the ids of the other lists
    /// into <paramref name="ids"/> (the count is returned). An item can be in both parts (shown from two catalogs); within a part
    /// each is once. Both buffers need <see cref="Capacity"/> entries.
    /// </summary>
    public int CopyTo(string[] ids, int[] rows, long generation, int keep, out int rowCount)
    {
        int n = 0;
        rowCount = 0;
        int lists = Math.Min(keep, _lists.Length);
        for (int l = 0; l < lists; l++)
        {
            var slot = _lists[l];
            if (slot is null)
            {
                continue;
            }

            if (generation != 0 && _generations[l] == generation)
            {
                var slotRows = _rows[l];
                for (int i = 0; i < _counts[l]; i++)
                {
                    int row = slotRows[i];
                    if (Array.IndexOf(rows, row, 0, rowCount) < 0 && rowCount < rows.Length)
                    {
                        rows[rowCount++] = row;
                    }
                }

                continue;
            }

            for (int i = 0; i < _counts[l]; i++)
            {
                string id = slot[i];
                if (Array.IndexOf(ids, id, 0, n) < 0 && n < ids.Length)
                {
                    ids[n++] = id;
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
