using System;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Interactions;
using EmbeddedReco.Storage;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>
    /// Records what a player did. The player's profile and the item's popularity change in memory before this returns, so the
    /// next <see cref="Suggest(string)"/> already reflects it; the writes to the file (log row, profile, item counters, engagement)
    /// are queued as one batch that the writer commits in one transaction. Never waits: not for the disk, a commit, a checkpoint,
    /// a training run or a snapshot's encoding (a snapshot load or an upsert holds the engine's state lock only while it publishes).
    /// </summary>
    /// <remarks>
    /// An interaction on an item that is not in the catalog is written to the interaction log and counted in the player's
    /// <see cref="UserProfile.InteractionCount"/>, but changes no vector (there is none to learn from) and logs a warning:
    /// a game may record a click on an item that was removed a moment earlier, and that must not crash its loop.
    /// Allocation-free in steady state (a player's first interaction, or an item kept in a player's history for the first
    /// time, allocates). Under a flood that outruns the disk, the call is refused once
    /// <see cref="RecoEngineOptions.MaxPendingWrites"/> writes wait (see <see cref="TryRecord"/> for a refusal without an exception).
    /// </remarks>
    /// <param name="interaction">The interaction.</param>
    /// <exception cref="ArgumentNullException">An id is null.</exception>
    /// <exception cref="ArgumentException">An id is empty, over-long or ill-formed (an unpaired UTF-16 surrogate), the kind is
    /// undefined, or the value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A <see cref="InteractionKind.Play"/> value outside 0 to
    /// <see cref="Interaction.MaxPlaySeconds"/> (seven days) or a <see cref="InteractionKind.Rating"/> value outside 0 to
    /// <see cref="Interaction.MaxRatingStars"/> (1000).</exception>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.StorageQueueFull"/>: <see cref="RecoEngineOptions.MaxPendingWrites"/>
    /// writes wait for the writer; or a previous storage failure has not been resolved by <see cref="Flush"/>. Nothing was changed.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public void Record(in Interaction interaction)
    {
        if (!TryRecord(in interaction))
        {
            throw new RecoException(
                RecoErrorCode.StorageQueueFull,
                $"The interaction was not recorded: {_options.MaxPendingWrites} writes (RecoEngineOptions.MaxPendingWrites) wait for the writer, a flood has outrun the disk. Nothing was changed; record it again later, or use TryRecord.");
        }
    }

    /// <summary>
    /// Records what a player did, like <see cref="Record(in Interaction)"/>, but returns false instead of throwing when the write
    /// queue is full (<see cref="RecoEngineOptions.MaxPendingWrites"/> writes wait for the writer: a flood that outruns the disk).
    /// A refused interaction changes nothing; the game may record it again on a later frame or drop it knowingly.
    /// </summary>
    /// <param name="interaction">The interaction.</param>
    /// <returns>True when recorded; false when refused because the write queue is full (nothing was changed).</returns>
    /// <exception cref="ArgumentNullException">An id is null.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Record(in Interaction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="Record(in Interaction)"/>.</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>; nothing was changed.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public bool TryRecord(in Interaction interaction)
    {
        ThrowIfDisposed();
        InteractionRecorder.Validate(in interaction, _options.MaxIdBytes);
        long ticks = interaction.Timestamp?.UtcTicks ?? NowTicks();
        return RecordCore(interaction.UserId, interaction.ItemId, interaction.Kind, interaction.Value, ticks);
    }

    /// <summary>
    /// Writes queued for the writer thread and not yet taken by it: near 0 at game rates; it grows only when records outrun the
    /// disk, up to <see cref="RecoEngineOptions.MaxPendingWrites"/> (a diagnostic for a host's debug overlay or telemetry).
    /// </summary>
    public int PendingWrites => _store.PendingWrites;

    /// <summary>
    /// Applies a validated interaction and queues its writes as one batch (committed in one transaction: a crash never leaves part
    /// of it). False, changing nothing, when the write queue is full.
    /// </summary>
    private bool RecordCore(string userId, string itemId, InteractionKind kind, double value, long ticks)
    {
        double weight = _recorder.WeightOf(kind, value);
        bool known = false, admitted, firstRefusal = false;
        lock (_mutation)
        {
            admitted = Admit(ref firstRefusal);
            if (admitted)
            {
                var catalog = _state.Catalog;
                using var writes = _store.BeginBatch();
                known = _recorder.Apply(writes, catalog, userId, itemId, kind, value, weight, ticks);
            }
        }

        if (!admitted)
        {
            return Refused(firstRefusal);
        }

        if (!known)
        {
            Log.UnknownItemInteraction(_logger, userId, itemId);
        }

        _trainer.CountInteraction();
        return true;
    }

    /// <summary>
    /// Records that a player was shown a list the engine suggested: one <see cref="InteractionKind.Impression"/> per suggestion,
    /// applied like <see cref="Record(in Interaction)"/> and queued as one batch, each log row keeping what the policy logged for
    /// its slot (<see cref="Suggestion.Source"/>, <see cref="Suggestion.Propensity"/>) and the player's experiment variant, so
    /// that exported events support off-policy evaluation (<see cref="ExportEvents"/>). Use it when the game decides when a list is
    /// actually on screen; <see cref="PolicyOptions.RecordShownAsImpressions"/> does the same inside <c>Suggest</c>.
    /// Allocation-free in steady state, like <c>Record</c>.
    /// </summary>
    /// <param name="userId">The player's id.</param>
    /// <param name="shown">The suggestions displayed (from <c>Suggest</c>); an empty span records nothing.</param>
    /// <returns>True when recorded; false when refused because the write queue is full (<see cref="RecoEngineOptions.MaxPendingWrites"/>; nothing was changed).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> or an item id is empty, over-long or ill-formed, or an element
    /// of <paramref name="shown"/> is an empty <see cref="Suggestion"/> (no item id). Nothing was changed.</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>; nothing was changed.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public bool RecordShown(string userId, ReadOnlySpan<Suggestion> shown)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        for (int i = 0; i < shown.Length; i++)
        {
            if (shown[i].ItemId is not { } itemId)
            {
                throw new ArgumentException($"shown[{i}] is an empty Suggestion (no item id).", nameof(shown));
            }

            Guard.Id(itemId, nameof(shown), _options.MaxIdBytes, "item");
        }

        if (shown.IsEmpty)
        {
            return true;
        }

        long ticks = NowTicks();
        ShownOutcome outcome = default;
        bool admitted, firstRefusal = false;
        lock (_mutation)
        {
            admitted = Admit(ref firstRefusal);
            if (admitted)
            {
                outcome = _recorder.ApplyShown(_store, _state.Catalog, userId, shown, ticks);
            }
        }

        if (!admitted)
        {
            return Refused(firstRefusal);
        }

        AfterShown(outcome, userId, shown.Length);
        return true;
    }

    /// <summary>
    /// Under the mutation lock: throws when disposed or faulted; false (counting the refusal, <paramref name="firstRefusal"/> set for
    /// the first of an episode) when the write queue is full; true when the interaction may be applied.
    /// </summary>
    private bool Admit(ref bool firstRefusal)
    {
        ThrowIfDisposed();
        _store.ThrowIfFaulted();
        if (_store.IsFull)
        {
            firstRefusal = _recorder.Refuse();
            return false;
        }

        _recorder.Accepted();
        return true;
    }

    /// <summary>After the lock, for a refused interaction: logs the first refusal of an episode; returns false.</summary>
    private bool Refused(bool firstRefusal)
    {
        if (firstRefusal)
        {
            Log.WriteQueueFull(_logger, _options.MaxPendingWrites);
        }

        return false;
    }

    /// <summary>
    /// Records the list a <c>Suggest</c> returned as impressions (<see cref="PolicyOptions.RecordShownAsImpressions"/>): applied like
    /// <see cref="Record(in Interaction)"/> under one lock, their writes queued as one batch. While the store is faulted the
    /// impressions are skipped (counted in <see cref="SkippedImpressions"/>, logged once per failure), so that <c>Suggest</c> still
    /// serves its list and memory does not run ahead of what can be persisted.
    /// </summary>
    private void RecordShownImpressions(string userId, ReadOnlySpan<Suggestion> list, long ticks)
    {
        ShownOutcome outcome;
        lock (_mutation)
        {
            ThrowIfDisposed();
            outcome = _recorder.ApplyShown(_store, _state.Catalog, userId, list, ticks);
        }

        AfterShown(outcome, userId, list.Length);
    }

    /// <summary>After the lock, for a shown list: logs what the outcome says and counts its impressions as interactions, as for Record.</summary>
    private void AfterShown(in ShownOutcome outcome, string userId, int listLength)
    {
        outcome.Log(_logger, userId, listLength, _options.MaxPendingWrites);
        for (int i = 0; i < outcome.Recorded; i++)
        {
            _trainer.CountInteraction();
        }
    }

    /// <summary>Impressions of shown lists skipped because the store was faulted or its queue full (see <see cref="RecordShownImpressions"/>).</summary>
    internal long SkippedImpressions => _recorder.SkippedImpressions;

    /// <summary>Interactions refused because the write queue was full (see <see cref="TryRecord"/>).</summary>
    internal long RefusedInteractions => _recorder.RefusedInteractions;

    /// <summary>Returns a copy of what the engine knows about a player, or null for a player with no recorded interaction.</summary>
    /// <param name="userId">The player's id.</param>
    /// <returns>A snapshot of the profile, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public UserProfile? GetProfile(string userId)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        if (_state.Players.Find(userId) is not { } user)
        {
            return null;
        }

        lock (user.Gate)
        {
            return user.ToProfile();
        }
    }

    /// <summary>
    /// Deletes a player's profile and every row of theirs in the interaction log (in memory at once, in the file on the next commit;
    /// call <see cref="Flush"/> to be sure it is on disk). Item popularity keeps their anonymous contribution.
    /// </summary>
    /// <param name="userId">The player's id.</param>
    /// <returns>True when the player had a profile; false when unknown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, over-long or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="RecoException">A previous storage failure has not been resolved by <see cref="Flush"/>.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public bool ForgetUser(string userId)
    {
        ThrowIfDisposed();
        Guard.Id(userId, nameof(userId), _options.MaxIdBytes, "user");
        lock (_mutation)
        {
            ThrowIfDisposed();
            _store.ThrowIfFaulted();
            bool removed = _state.Players.Forget(userId);
            _store.Enqueue(new WriteOp(WriteOpKind.ForgetUser, userId)); // one write (profile, log rows, engagement): one commit
            return removed;
        }
    }
}
