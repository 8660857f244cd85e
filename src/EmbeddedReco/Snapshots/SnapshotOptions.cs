using System;
using System.Collections.Generic;

namespace EmbeddedReco;

/// <summary>How the payload of a snapshot file is compressed.</summary>
public enum SnapshotCompression
{
    /// <summary>No compression: the fastest to write and read (feature vectors compress poorly anyway). The default.</summary>
    None = 0,

    /// <summary>LZ4 block compression of the whole payload. Smaller files when ids, tags and profiles dominate; slower to save.</summary>
    Lz4 = 1,
}

/// <summary>
/// What <see cref="RecoEngine.SaveSnapshot(System.IO.Stream, SnapshotOptions?)"/> puts into a snapshot, and the size cap used when
/// saving and loading. A plain class: set what you need, leave the rest at the documented defaults.
/// </summary>
/// <remarks>
/// A snapshot always holds the catalog (item ids, normalized vectors, tags) and the scoring-relevant engine settings
/// (dimensions, half-lives, engagement weights, consumed kinds, id limit). When loading, only <see cref="MaxSnapshotBytes"/> and
/// <see cref="ReuseReplacedCatalog"/> are used: what is loaded is what the file holds.
/// </remarks>
public sealed class SnapshotOptions
{
    /// <summary>The default <see cref="MaxSnapshotBytes"/>: 1 GiB.</summary>
    public const long DefaultMaxSnapshotBytes = 1L << 30;

    /// <summary>The largest allowed <see cref="MaxSnapshotBytes"/>: <see cref="int.MaxValue"/> bytes (just under 2 GiB).</summary>
    public const long MaxAllowedSnapshotBytes = int.MaxValue;

    /// <summary>
    /// Whether the per-item popularity counters (decayed popularity, impressions, engagements) are saved. Default true.
    /// A snapshot without them keeps, on load, the counters the engine already has for items with the same id; other items start at zero.
    /// </summary>
    public bool IncludePopularity { get; set; } = true;

    /// <summary>
    /// Whether the players' profiles (taste vectors, counts, consumed items) are saved. Default false: a snapshot shipped with a game
    /// client carries the catalog, not players' data. Loading a snapshot with profiles replaces every profile of the engine; loading
    /// one without profiles leaves the engine's profiles as they are.
    /// </summary>
    public bool IncludeProfiles { get; set; }

    /// <summary>
    /// Whether the trained collaborative model (<see cref="RecoEngine.Train"/>) is saved, when there is one. Default true: a model
    /// trained on a server ships to clients without their players' data. Loading a snapshot with a model replaces the served
    /// model; loading one without keeps the engine's model.
    /// </summary>
    public bool IncludeModel { get; set; } = true;

    /// <summary>How the payload is compressed. Default <see cref="SnapshotCompression.None"/>.</summary>
    public SnapshotCompression Compression { get; set; } = SnapshotCompression.None;

    /// <summary>
    /// The largest snapshot, in bytes, that is written or read (payload, stored and decompressed). Default
    /// <see cref="DefaultMaxSnapshotBytes"/> (1 GiB); 1 to <see cref="MaxAllowedSnapshotBytes"/>. A bigger file is refused with
    /// <see cref="RecoErrorCode.SnapshotTooLarge"/> before anything is allocated for it.
    /// </summary>
    public long MaxSnapshotBytes { get; set; } = DefaultMaxSnapshotBytes;

    /// <summary>
    /// Loading only: whether the engine keeps the catalog a load replaces, so that the next load of a catalog with the same item
    /// count overwrites its arrays (vectors, ids, tags, counters, index) instead of allocating new ones. Default true: a game that
    /// reloads models allocates no large arrays per reload (no large-object-heap growth, no gen-2 collection it would bring), and
    /// a reload runs on warm memory. The cost is one extra copy of the catalog's arrays held between loads (about items x
    /// (4 x dimensions + 80) bytes); any other catalog change (<see cref="RecoEngine.UpsertItems"/>, <see cref="RecoEngine.RemoveItem"/>)
    /// or a load with false releases it. Arrays still read by a running Suggest or snapshot save are never overwritten.
    /// </summary>
    public bool ReuseReplacedCatalog { get; set; } = true;

    /// <summary>
    /// Loading only: the public keys (PEM "PUBLIC KEY", RSA 2048 to 8192 bits) whose signatures the engine accepts. When set and not
    /// empty, a snapshot loads only if it is signed (by the trainer, see docs/deployment.md) with the private key of one of them;
    /// the signature (RSA PKCS#1 v1.5, SHA-256) is verified over the whole file before anything beyond the headers is parsed, and
    /// an unsigned or wrongly signed file raises <see cref="RecoErrorCode.SnapshotSignatureInvalid"/>. List several keys to
    /// rotate: ship the new key beside the old one, then sign with the new one. Default null: signatures are not checked and only
    /// unsigned snapshots load (a signed file needs its key here).
    /// </summary>
    public IReadOnlyList<string>? TrustedPublicKeys { get; set; }

    internal static readonly SnapshotOptions Default = new SnapshotOptions();

    internal void Validate(string paramName)
    {
        if (MaxSnapshotBytes < 1 || MaxSnapshotBytes > MaxAllowedSnapshotBytes)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                MaxSnapshotBytes,
                $"SnapshotOptions.MaxSnapshotBytes must be between 1 and {MaxAllowedSnapshotBytes}.");
        }

        if (TrustedPublicKeys is not null)
        {
            Snapshots.SnapshotSignature.ParseTrustedKeys(TrustedPublicKeys, paramName);
        }

        if (Compression != SnapshotCompression.None && Compression != SnapshotCompression.Lz4)
        {
            throw new ArgumentException($"SnapshotOptions.Compression {(int)Compression} is not defined.", paramName);
        }
    }
}
