using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using MessagePack;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// Semantic checks of a decoded snapshot against the engine that loads it: counts agree, dimensions agree, every value finite,
/// item rows unit-length (or zero), ids and tags non-empty, well-formed UTF-16 (they are written to the database, whose UTF-8
/// encoder rejects unpaired surrogates) and within the engine's id limit, ids unique, at most <see cref="ItemDefinition.MaxTags"/>
/// tags per item. Throws
/// <see cref="RecoException"/> with <see cref="RecoErrorCode.SnapshotInvalid"/> and a message naming the first problem.
/// </summary>
internal static class SnapshotValidator
{
    /// <summary>Tolerance on the squared length of a stored unit row (rows are written normalized in float32).</summary>
    private const double UnitTolerance = 1e-3;

    /// <param name="m">The decoded snapshot; on .NET its <see cref="SnapshotModel.ItemIndex"/> is set.</param>
    /// <param name="engineDimensions">The loading engine's dimensions.</param>
    /// <param name="maxIdBytes">The loading engine's id limit.</param>
    /// <param name="reuseIndex">A dictionary no one else uses any more, cleared and refilled as the item index, or null.</param>
    public static void Validate(SnapshotModel m, int engineDimensions, int maxIdBytes, Dictionary<string, int>? reuseIndex = null)
    {
        int dims = m.Dimensions;
        if (dims != engineDimensions)
        {
            throw Invalid($"The snapshot has {dims} dimensions but the engine has {engineDimensions} (RecoEngineOptions.Dimensions); they must be equal.");
        }

        int items = m.ItemIds.Length;
        if ((long)m.ItemVectors.Length != (long)items * dims)
        {
            throw Invalid($"The catalog has {items} ids but {m.ItemVectors.Length} vector values; expected {(long)items * dims} ({items} x {dims}).");
        }

        if (m.ItemTags.Length != items)
        {
            throw Invalid($"The catalog has {items} ids but {m.ItemTags.Length} tag lists.");
        }

        m.ItemIndex = CheckIds(m.ItemIds, maxIdBytes, "item", reuseIndex);
        if (m.ItemRank is not null && !CatalogSnapshot.IsIdRank(m.ItemIds, m.ItemRank))
        {
            throw Invalid("The catalog's 'rank' field is not the ordinal order of its ids.");
        }

        ValidateItemRows(m, dims, maxIdBytes);
        if (m.HasPopularity)
        {
            ValidatePopularity(m, items);
        }

        if (m.HasProfiles)
        {
            ValidateProfiles(m, dims, maxIdBytes);
        }

        ValidateSettings(m.Settings);
    }

    /// <summary>Checks each item row is unit length (or zero) and finite, then the item's tags.</summary>
    private static void ValidateItemRows(SnapshotModel m, int dims, int maxIdBytes)
    {
        int items = m.ItemIds.Length;
        for (int i = 0; i < items; i++)
        {
            // Fast path: NaN or infinity makes the SIMD sum of squares non-finite; a unit row sums to ~1. Anything else is
            // examined element by element for a precise message.
            var row = m.ItemVectors.AsSpan(i * dims, dims);
            float fast = TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)row);
            if (fast != 0 && !(Math.Abs(fast - 1.0) <= UnitTolerance))
            {
                CheckFinite(row, $"The vector of item '{m.ItemIds[i]}'");
                throw Invalid($"The vector of item '{m.ItemIds[i]}' is not unit length (squared length {fast}); snapshots store normalized rows.");
            }

            ValidateTags(m, i, maxIdBytes);
        }
    }

    /// <summary>Checks item <paramref name="i"/> has at most <see cref="ItemDefinition.MaxTags"/> tags, each non-empty, well-formed and within the id limit.</summary>
    private static void ValidateTags(SnapshotModel m, int i, int maxIdBytes)
    {
        string[] tags = m.ItemTags[i];
        if (tags.Length > ItemDefinition.MaxTags)
        {
            throw Invalid($"Item '{m.ItemIds[i]}' has {tags.Length} tags; the limit is {ItemDefinition.MaxTags} (ItemDefinition.MaxTags).");
        }

        for (int t = 0; t < tags.Length; t++)
        {
            string tag = tags[t];
            int position = -1;
            var problem = tag is null ? TextProblem.Empty : Guard.Inspect(tag, maxIdBytes, out position);
            if (problem == TextProblem.Empty)
            {
                throw Invalid($"Item '{m.ItemIds[i]}' has an empty tag.");
            }

            if (problem != TextProblem.None)
            {
                throw Invalid(Guard.Describe(problem, $"Tag {t} of item '{m.ItemIds[i]}'", tag!, maxIdBytes, position, "the engine's RecoEngineOptions.MaxIdBytes"));
            }
        }
    }

    /// <summary>Checks the popularity columns match the item count and hold finite (or -inf) log2 values and non-negative counts.</summary>
    private static void ValidatePopularity(SnapshotModel m, int items)
    {
        if (m.PopularityLog2!.Length != items || m.Impressions!.Length != items || m.Engagements!.Length != items)
        {
            throw Invalid($"The popularity section has {m.PopularityLog2.Length}/{m.Impressions!.Length}/{m.Engagements!.Length} values for {items} items.");
        }

        for (int i = 0; i < items; i++)
        {
            double p = m.PopularityLog2[i];
            if (double.IsNaN(p) || double.IsPositiveInfinity(p))
            {
                throw Invalid($"The popularity of item '{m.ItemIds[i]}' is {p}; it must be finite (or negative infinity for none).");
            }

            if (m.Impressions[i] < 0 || m.Engagements[i] < 0)
            {
                throw Invalid($"Item '{m.ItemIds[i]}' has a negative impression or engagement count.");
            }
        }
    }

    private static void ValidateProfiles(SnapshotModel m, int dims, int maxIdBytes)
    {
        var ids = m.UserIds!;
        int users = ids.Length;
        if ((long)m.UserVectors!.Length != (long)users * dims)
        {
            throw Invalid($"The profiles section has {users} ids but {m.UserVectors.Length} vector values; expected {(long)users * dims}.");
        }

        if (m.UserLastTicks!.Length != users || m.UserInteractions!.Length != users || m.UserPositives!.Length != users || m.UserConsumed!.Length != users)
        {
            throw Invalid($"The profiles section's field lengths do not all equal its {users} ids.");
        }

        CheckIds(ids, maxIdBytes, "user");
        for (int u = 0; u < users; u++)
        {
            var row = m.UserVectors.AsSpan(u * dims, dims);
            float fast = TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)row);
            if (float.IsNaN(fast) || float.IsInfinity(fast))
            {
                CheckFinite(row, $"The profile vector of user '{ids[u]}'");
            }

            long last = m.UserLastTicks[u];
            if (last < 0 || last > DateTime.MaxValue.Ticks)
            {
                throw Invalid($"User '{ids[u]}' has an out-of-range last interaction time ({last} ticks).");
            }

            long n = m.UserInteractions[u];
            long pos = m.UserPositives[u];
            if (n < 0 || pos < 0 || pos > n)
            {
                throw Invalid($"User '{ids[u]}' has inconsistent counts ({n} interactions, {pos} positive).");
            }

            CheckIds(m.UserConsumed[u], maxIdBytes, $"consumed item of user '{ids[u]}'");
        }

        if (m.UserItems is not null)
        {
            ValidateUserItems(m.UserItems, ids, maxIdBytes);
        }
    }

    private static void ValidateUserItems(SnapshotUserItems s, string[] users, int maxIdBytes)
    {
        if (s.Counts.Length != users.Length)
        {
            throw Invalid($"The profiles section has {s.Counts.Length} item-state counts for {users.Length} users.");
        }

        long total = 0;
        foreach (int c in s.Counts)
        {
            if (c < 0)
            {
                throw Invalid("The profiles section has a negative item-state count.");
            }

            total += c;
        }

        if (s.ItemIds.Length != total || s.Weight.Length != total || s.WeightTicks.Length != total || s.Ignored.Length != total
            || s.LastShownTicks.Length != total || s.CooldownUntilTicks.Length != total || s.LastTouchTicks.Length != total)
        {
            throw Invalid($"The profiles section's item-state fields do not all hold the {total} entries its counts announce.");
        }

        int start = 0;
        for (int u = 0; u < users.Length; u++)
        {
            int n = s.Counts[u];
            CheckIds(s.ItemIds.AsSpan(start, n).ToArray(), maxIdBytes, $"item-state item of user '{users[u]}'");
            for (int i = start; i < start + n; i++)
            {
                if (float.IsNaN(s.Weight[i]) || float.IsInfinity(s.Weight[i]))
                {
                    throw Invalid($"User '{users[u]}' has a non-finite item weight for '{s.ItemIds[i]}'.");
                }

                if (s.Ignored[i] < 0 || !IsTicks(s.WeightTicks[i]) || !IsTicks(s.LastShownTicks[i]) || !IsTicks(s.CooldownUntilTicks[i]) || !IsTicks(s.LastTouchTicks[i]))
                {
                    throw Invalid($"User '{users[u]}' has an out-of-range item state for '{s.ItemIds[i]}'.");
                }
            }

            start += n;
        }
    }

    private static bool IsTicks(long ticks) => ticks >= 0 && ticks <= DateTime.MaxValue.Ticks;

    private static void ValidateSettings(SnapshotSettings s)
    {
        if (s.ProfileHalfLifeTicks == 0 || s.ProfileHalfLifeTicks < -1 || s.PopularityHalfLifeTicks == 0 || s.PopularityHalfLifeTicks < -1)
        {
            throw Invalid("The snapshot's recorded half-lives are not positive (or -1 for no decay).");
        }

        for (int i = 0; i < s.Weights.Length; i++)
        {
            // NaN marks a weight absent from the file (allowed); infinities are never valid.
            if (double.IsInfinity(s.Weights[i]))
            {
                throw Invalid($"The snapshot's recorded engagement weight '{SnapshotSettings.WeightNames[i]}' is not finite.");
            }
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> row, string what)
    {
        for (int d = 0; d < row.Length; d++)
        {
            if (float.IsNaN(row[d]) || float.IsInfinity(row[d]))
            {
                throw Invalid($"{what} has a non-finite value ({row[d]}) at index {d}.");
            }
        }
    }

    /// <summary>
    /// Checks ids are non-empty, within the byte limit and unique. On .NET returns the id → position index built on the way
    /// (ordinal; .NET's dictionary switches to randomized hashing when collisions pile up, so a crafted file cannot flood it);
    /// elsewhere (Unity/Mono) the check uses MessagePack's collision-resistant comparer and returns null.
    /// </summary>
    private static Dictionary<string, int>? CheckIds(string[] ids, int maxIdBytes, string what, Dictionary<string, int>? reuse = null)
    {
#if NET
        Dictionary<string, int> seen;
        if (reuse is not null && reuse.Comparer == StringComparer.Ordinal)
        {
            reuse.Clear();
            reuse.EnsureCapacity(ids.Length);
            seen = reuse;
        }
        else
        {
            seen = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        }
#else
        var seen = new HashSet<string>(MessagePackSecurity.UntrustedData.GetEqualityComparer<string>());
#endif
        for (int i = 0; i < ids.Length; i++)
        {
            string id = ids[i];
            if (id is null || string.IsNullOrWhiteSpace(id))
            {
                throw Invalid($"A {what} id at index {i} is empty.");
            }

            var problem = Guard.Inspect(id, maxIdBytes, out int position);
            if (problem == TextProblem.UnpairedSurrogate)
            {
                throw Invalid($"The {what} id at index {i} has an unpaired UTF-16 surrogate at index {position}: it is not well-formed Unicode and cannot be stored.");
            }

            if (problem == TextProblem.TooLong)
            {
                throw Invalid($"The {what} id at index {i} is {Guard.Utf8ByteCount(id)} UTF-8 bytes; the engine's limit is {maxIdBytes} (RecoEngineOptions.MaxIdBytes).");
            }

#if NET
            if (!seen.TryAdd(id, i))
#else
            if (!seen.Add(id))
#endif
            {
                throw Invalid($"The {what} id '{id}' appears more than once.");
            }
        }

#if NET
        return seen;
#else
        return null;
#endif
    }

    private static RecoException Invalid(string message) => new RecoException(RecoErrorCode.SnapshotInvalid, message);
}
