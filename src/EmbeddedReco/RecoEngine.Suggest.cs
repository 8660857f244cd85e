using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Scoring;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>Suggests <see cref="RecoEngineOptions.DefaultCount"/> items for a player.</summary>
    /// <param name="userId">The player's id. An unknown player is not an error: they get the cold-start (popular) list.</param>
    /// <returns>Up to DefaultCount suggestions, best first (fewer when the catalog has fewer eligible items; empty for an empty catalog).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty or over-long.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId) => Suggest(userId, _options.DefaultCount);

    /// <summary>Suggests up to <paramref name="count"/> items for a player (allocates the returned list).</summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="count">How many suggestions, at least 1; clamped to the catalog size.</param>
    /// <returns>The suggestions, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty or over-long.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId, int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        }

        ThrowIfDisposed();
        int capacity = Math.Min(count, Math.Max(1, ItemCount));
        var buffer = new Suggestion[capacity];
        int written = Suggest(userId, buffer.AsSpan());
        if (written < buffer.Length)
        {
            Array.Resize(ref buffer, written);
        }

        return buffer;
    }

    /// <summary>
    /// Fills a caller-owned buffer with suggestions, best first, and returns how many were written. Allocation-free in steady
    /// state and does no I/O: the overload for game loops.
    /// </summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="destination">Where to write; its length is the requested count (at least 1).</param>
    /// <returns>The number of suggestions written: min(destination length, eligible items).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is empty, or <paramref name="userId"/> is empty or over-long.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int Suggest(string userId, Span<Suggestion> destination)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        if (destination.IsEmpty)
        {
            throw new ArgumentException("The destination buffer must have room for at least one suggestion.", nameof(destination));
        }

        var catalog = Volatile.Read(ref _catalog);
        if (catalog.Count == 0)
        {
            return 0;
        }

        int dims = catalog.Dimensions;
        int k = Math.Min(destination.Length, catalog.Count);
        var scratch = SuggestScratch.For(catalog.Count, dims, k);
        Span<float> query = scratch.Query.AsSpan(0, dims);
        Span<float> scores = scratch.Scores.AsSpan(0, catalog.Count);

        bool personalized = false;
        HashSet<string>? consumed = null;
        if (_users.TryGetValue(userId, out var user))
        {
            lock (user.Gate)
            {
                if (user.PositiveCount > 0)
                {
                    user.Vector.AsSpan().CopyTo(query);
                    personalized = true;
                }

                consumed = user.Consumed;
            }
        }

        if (personalized && VectorKernels.NormalizeInto(query, query) == 0)
        {
            personalized = false;
        }

        if (personalized)
        {
            VectorKernels.DotRows(catalog.Vectors, dims, query, scores);
        }
        else
        {
            var pop = catalog.Counters.PopularityLog2;
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] = (float)pop[i];
            }
        }

        var filter = new NotConsumed(consumed, catalog.Ids);
        int n = TopK.Select(scores, catalog.Ids, k, ref filter, scratch.Rows, scratch.TopScores);
        long now = personalized ? 0 : NowTicks();
        for (int j = 0; j < n; j++)
        {
            int row = scratch.Rows[j];
            float score = personalized
                ? scratch.TopScores[j]
                : (float)_popularityDecay.ValueAt(catalog.Counters.PopularityLog2[row], now);
            destination[j] = new Suggestion(
                catalog.Ids[row],
                score,
                personalized ? SuggestionSource.Personalized : SuggestionSource.Popular,
                1.0);
        }

        return n;
    }

    private readonly struct NotConsumed : IRowFilter
    {
        private readonly HashSet<string>? _consumed;
        private readonly string[] _ids;

        public NotConsumed(HashSet<string>? consumed, string[] ids)
        {
            _consumed = consumed is null || consumed.Count == 0 ? null : consumed;
            _ids = ids;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Accept(int row) => _consumed is null || !_consumed.Contains(_ids[row]);
    }
}
