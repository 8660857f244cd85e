using System;
using System.Collections.Generic;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Profiles;
using EmbeddedReco.Scoring;
using EmbeddedReco.Suggesting;

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

    /// <summary>
    /// Suggests for several players at once (a server tick, NPCs, a lobby): up to eight players share one read of the catalog, so a
    /// batch costs far less than one call per player. Each player's list is exactly what <see cref="Suggest(string, Span{Suggestion}, SuggestOptions?)"/>
    /// would return for them at this moment (same scores, exploration and shown-list memory, in the order of
    /// <paramref name="userIds"/>). Allocation-free in steady state and does no I/O, like the span overload.
    /// </summary>
    /// <param name="userIds">The players; unknown players get the cold-start list. Any number (served eight at a time); a player may appear more than once (each occurrence is a call, in order).</param>
    /// <param name="destination">Where to write: player i's list goes to
    /// <c>destination.Slice(i * perPlayer, perPlayer)</c> with <c>perPlayer = destination.Length / userIds.Length</c> (the requested count, at least 1).</param>
    /// <param name="counts">Receives each player's list length; at least <c>userIds.Length</c> long.</param>
    /// <param name="options">The calls' options (null = defaults); <see cref="SuggestOptions.Count"/> is ignored (the buffer decides) and
    /// <see cref="SuggestOptions.Explain"/> fills breakdowns (allocates).</param>
    /// <returns>The number of players served (<c>userIds.Length</c>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has less than one slot per player, <paramref name="counts"/> is
    /// too short, an option is invalid, or an id is empty, over-long or ill-formed (nothing is suggested then).</exception>
    /// <exception cref="ArgumentNullException">An id is null (nothing is suggested then).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public int SuggestMany(ReadOnlySpan<string> userIds, Span<Suggestion> destination, Span<int> counts, SuggestOptions? options = null)
    {
        ThrowIfDisposed();
        Suggester.CheckBatch(userIds, destination, counts, _options.MaxIdBytes);
        options?.Validate();
        _suggester.SuggestBatches(userIds, destination, counts, options, this);
        return userIds.Length;
    }

    /// <summary>
    /// Suggests up to <paramref name="count"/> items for each of several players, sharing catalog reads between them (see
    /// <see cref="SuggestMany(ReadOnlySpan{string}, Span{Suggestion}, Span{int}, SuggestOptions?)"/>); allocates the lists, each with
    /// breakdowns.
    /// </summary>
    /// <param name="userIds">The players, in order.</param>
    /// <param name="count">How many suggestions per player, at least 1; clamped to the catalog size.</param>
    /// <returns>One list per player, in the order of <paramref name="userIds"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userIds"/> or one of its ids is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">An id is empty, over-long or ill-formed.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public IReadOnlyList<IReadOnlyList<Suggestion>> SuggestMany(IReadOnlyList<string> userIds, int count)
    {
        if (userIds is null)
        {
            throw new ArgumentNullException(nameof(userIds));
        }

        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        }

        ThrowIfDisposed();
        var ids = new string[userIds.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = userIds[i];
        }

        int perPlayer = Math.Min(count, Math.Max(1, ItemCount));
        var buffer = new Suggestion[ids.Length * perPlayer];
        var counts = new int[ids.Length];
        SuggestMany(ids, buffer, counts, ExplainAll);
        var lists = new IReadOnlyList<Suggestion>[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            lists[i] = buffer.AsSpan(i * perPlayer, counts[i]).ToArray();
        }

        return lists;
    }

    /// <summary>
    /// Prepares the hot paths so that the first real <c>Suggest</c> costs what a steady-state call costs: compiles the scoring
    /// kernels, the fused scoring pass and every path of the list policy (with exploration and MMR diversity on and off, whatever
    /// variant an experiment assigns), and sizes this thread's working memory for the current catalog. On
    /// .NET it repeats the path in rounds 120 ms apart until the runtime has compiled its optimized tier (two rounds in a row
    /// compiled nothing new; at most about 1.5 s), so the first real calls do not run the quick first tier either. Call it on a
    /// loading screen, after the catalog is loaded, on the thread that will call <c>Suggest</c> (working memory is per thread).
    /// Changes no state: no player, counter, shown list or seed stream is touched, nothing is written. Optional: with
    /// <see cref="RecoEngineOptions.WarmupInBackground"/> (the default) the engine compiles the path on a thread of its own once it
    /// has a catalog; this call also compiles your own scorers' path and finishes the optimized tier before it returns (at 10k
    /// items on the reference machine: first call 5 ms, then 0.3 ms per call instead of about 1 ms: docs/PERFORMANCE.md,
    /// "Scoring core").
    /// </summary>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void Warmup()
    {
        ThrowIfDisposed();
        _suggester.Warmup();
    }

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

    private static readonly SuggestOptions ExplainAll = new SuggestOptions { Explain = true };

    /// <inheritdoc/>
    void IShownRecorder.RecordShown(string userId, ReadOnlySpan<Suggestion> list, long ticks) => RecordShownImpressions(userId, list, ticks);

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
