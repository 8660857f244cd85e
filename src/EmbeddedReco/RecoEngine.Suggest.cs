using System;
using System.Collections.Generic;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Profiles;
using EmbeddedReco.Scoring;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>Suggests <see cref="RecoEngineOptions.DefaultCount"/> items for a player, with the engine's default policy.</summary>
    /// <param name="userId">The player's id. An unknown player is not an error: they get the cold-start (popular) list.</param>
    /// <returns>Up to DefaultCount suggestions, best first, each with a <see cref="Suggestion.Breakdown"/> (fewer when fewer items are
    /// eligible; empty for an empty catalog).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId) => SuggestList(userId, _options.DefaultCount, null);

    /// <summary>Suggests up to <paramref name="count"/> items for a player (allocates the returned list).</summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="count">How many suggestions, at least 1; clamped to the catalog size.</param>
    /// <returns>The suggestions, best first, each with a breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId, int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        }

        return SuggestList(userId, count, null);
    }

    /// <summary>Suggests items for a player with per-call options (count, epsilon, diversity, seed, filters, context).</summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="options">The call's options; null = defaults.</param>
    /// <returns>The suggestions, best first, each with a breakdown.</returns>
    /// <exception cref="ArgumentException">An option is invalid (the message names it), or the id is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<Suggestion> Suggest(string userId, SuggestOptions? options) =>
        SuggestList(userId, options?.Count ?? _options.DefaultCount, options);

    /// <summary>
    /// Fills a caller-owned buffer with suggestions, best first, and returns how many were written. Allocation-free in steady
    /// state and does no I/O: the overload for game loops.
    /// </summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="destination">Where to write; its length is the requested count (at least 1).</param>
    /// <returns>The number of suggestions written: min(destination length, eligible items).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is empty, or <paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int Suggest(string userId, Span<Suggestion> destination) => SuggestCore(userId, destination, null, explain: false, validated: true);

    /// <summary>
    /// Fills a caller-owned buffer with suggestions under per-call options. Allocation-free in steady state (exploration, MMR and
    /// filters included) unless <see cref="SuggestOptions.Explain"/> is set. <see cref="SuggestOptions.Count"/> is ignored: the
    /// buffer's length is the count.
    /// </summary>
    /// <param name="userId">The player's id; unknown players get the cold-start list.</param>
    /// <param name="destination">Where to write; its length is the requested count (at least 1).</param>
    /// <param name="options">The call's options; null = defaults.</param>
    /// <returns>The number of suggestions written.</returns>
    /// <exception cref="ArgumentException">An option is invalid, <paramref name="destination"/> is empty, or the id is bad.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int Suggest(string userId, Span<Suggestion> destination, SuggestOptions? options) =>
        SuggestCore(userId, destination, options, options?.Explain ?? false, validated: false);

    /// <summary>The state of every registered scorer (weight, enabled, faults, slow calls, probation) at the engine clock's now; a
    /// disabled scorer whose <see cref="ScorerCollection.RecoveryPeriod"/> has passed comes back here or at the next Suggest.</summary>
    /// <returns>One entry per scorer, in blending order.</returns>
    public IReadOnlyList<ScorerStatus> GetScorers()
    {
        ThrowIfDisposed();
        return _pipeline.Status(NowTicks());
    }

    /// <summary>Re-enables a scorer that was disabled after repeated faults, at once and without probation (a scorer also comes
    /// back on its own after <see cref="ScorerCollection.RecoveryPeriod"/>).</summary>
    /// <param name="name">The scorer's name.</param>
    /// <returns>True when a scorer with that name is registered.</returns>
    public bool EnableScorer(string name)
    {
        ThrowIfDisposed();
        return _pipeline.Enable(name);
    }

    private IReadOnlyList<Suggestion> SuggestList(string userId, int count, SuggestOptions? options)
    {
        ThrowIfDisposed();
        options?.Validate();
        int capacity = Math.Min(count, Math.Max(1, ItemCount));
        var buffer = new Suggestion[capacity];
        int written = SuggestCore(userId, buffer.AsSpan(), options, explain: true, validated: true);
        if (written < buffer.Length)
        {
            Array.Resize(ref buffer, written);
        }

        return buffer;
    }

    private int SuggestCore(string userId, Span<Suggestion> destination, SuggestOptions? options, bool explain, bool validated)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        if (destination.IsEmpty)
        {
            throw new ArgumentException("The destination buffer must have room for at least one suggestion.", nameof(destination));
        }

        if (!validated)
        {
            options?.Validate();
        }

        int written = _suggester.Suggest(userId, destination, options, explain, out long shownAtTicks);
        if (shownAtTicks != 0)
        {
            RecordShownImpressions(userId, destination.Slice(0, written), shownAtTicks);
        }

        return written;
    }
}
