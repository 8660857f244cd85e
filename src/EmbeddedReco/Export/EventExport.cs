using System;
using System.Security.Cryptography;

namespace EmbeddedReco;

/// <summary>
/// The event export format (docs/deployment.md): a file is one or more batches, each a MessagePack map header
/// <c>{"format": "EmbeddedReco.Events", "version": 2, "count": n, "pseudonymized": bool}</c> followed by n MessagePack arrays
/// <c>[id (int64), player (string), item (string), kind (int, <see cref="InteractionKind"/>), value (float64), ticks (int64, UTC
/// 100 ns since 0001-01-01), variant (string or nil), source (int, <see cref="SuggestionSource"/>, or nil), propensity (float64 in
/// 0..1, or nil)]</c>. The variant is the player's experiment variant when recorded; source and propensity are what the policy
/// logged for an impression of a list the engine suggested (<see cref="RecoEngine.RecordShown"/> or
/// <see cref="PolicyOptions.RecordShownAsImpressions"/>), nil otherwise. Version 1 batches (the first six fields only) are still read.
/// </summary>
public static class EventExport
{
    /// <summary>The value of the header's "format" field.</summary>
    public const string FormatName = "EmbeddedReco.Events";

    /// <summary>The format version this library writes (it reads this one and version 1).</summary>
    public const int FormatVersion = 2;

    /// <summary>
    /// The pseudonym of a player id: "p" followed by the lowercase hex of the first 16 bytes of HMAC-SHA256(key, UTF-8(id)). Use it to
    /// find a player's events on the backend (e.g. to honour an erasure request after <see cref="RecoEngine.ForgetUser"/>).
    /// </summary>
    /// <param name="userId">The player id.</param>
    /// <param name="key">The host's pseudonym key (at least <see cref="EventExportOptions.MinPseudonymKeyBytes"/> bytes).</param>
    /// <returns>A 33-character pseudonym.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> or <paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is too short.</exception>
    public static string Pseudonymize(string userId, byte[] key)
    {
        if (userId is null)
        {
            throw new ArgumentNullException(nameof(userId));
        }

        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        if (key.Length < EventExportOptions.MinPseudonymKeyBytes)
        {
            throw new ArgumentException($"The pseudonym key must have at least {EventExportOptions.MinPseudonymKeyBytes} bytes.", nameof(key));
        }

        using var hmac = new HMACSHA256(key);
        return Export.Pseudonymizer.Hex(hmac, userId);
    }
}
