using System;
using System.IO;
using System.Security.Cryptography;
using EmbeddedReco.Snapshots;

namespace EmbeddedReco.Fleet;

/// <summary>
/// Signing of snapshots on the trainer side (RSA PKCS#1 v1.5 with SHA-256, the scheme <see cref="SnapshotOptions.TrustedPublicKeys"/>
/// verifies on .NET and Mono). Keys are PEM: the private key as PKCS#8 ("PRIVATE KEY"), the public key as SubjectPublicKeyInfo
/// ("PUBLIC KEY"). Keep private keys out of the repository and out of game builds; ship only public keys.
/// </summary>
public static class ModelSigning
{
    /// <summary>The default RSA key size: 3072 bits.</summary>
    public const int DefaultKeyBits = 3072;

    /// <summary>Generates a new RSA key pair.</summary>
    /// <param name="bits">The key size, 2048 to 8192 bits; default <see cref="DefaultKeyBits"/>.</param>
    /// <returns>The private key (PKCS#8 PEM) and the public key (SubjectPublicKeyInfo PEM).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is out of range.</exception>
    public static (string PrivateKeyPem, string PublicKeyPem) GenerateKeyPair(int bits = DefaultKeyBits)
    {
        if (bits < 2048 || bits > 8192 || bits % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "The key size must be a multiple of 8 from 2048 to 8192 bits.");
        }

        using var rsa = RSA.Create(bits);
        return (rsa.ExportPkcs8PrivateKeyPem(), rsa.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The public key (SubjectPublicKeyInfo PEM) of a private key.</summary>
    /// <param name="privateKeyPem">A PEM RSA private key.</param>
    /// <returns>The public key PEM.</returns>
    public static string PublicKeyOf(string privateKeyPem)
    {
        using var rsa = ImportPrivate(privateKeyPem);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>Writes <paramref name="snapshot"/> (the bytes of a snapshot file) signed with <paramref name="privateKeyPem"/> to <paramref name="destination"/>.</summary>
    /// <param name="snapshot">An unsigned snapshot file's bytes.</param>
    /// <param name="privateKeyPem">A PEM RSA private key (2048 to 8192 bits).</param>
    /// <param name="destination">Where the signed snapshot is written.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key is not an RSA private key of a supported size.</exception>
    public static void Sign(byte[] snapshot, string privateKeyPem, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(destination);
        using var rsa = ImportPrivate(privateKeyPem);
        SnapshotSignature.Sign(snapshot, rsa, rsa.ExportSubjectPublicKeyInfo(), destination);
    }

    /// <summary>Signs a snapshot file into another file (written to a temporary file, then moved into place).</summary>
    /// <param name="snapshotPath">The unsigned snapshot.</param>
    /// <param name="privateKeyPem">A PEM RSA private key.</param>
    /// <param name="signedPath">The signed snapshot to write.</param>
    /// <exception cref="RecoException"><see cref="RecoErrorCode.SnapshotWriteFailed"/>: a file that is not a snapshot is at
    /// <paramref name="signedPath"/> (it is left unchanged).</exception>
    public static void SignFile(string snapshotPath, string privateKeyPem, string signedPath) =>
        WriteSigned(File.ReadAllBytes(snapshotPath), privateKeyPem, signedPath);

    /// <summary>Signs snapshot bytes into a file: a temporary file of its own beside it, flushed, then renamed over it.</summary>
    internal static void WriteSigned(byte[] snapshot, string privateKeyPem, string signedPath)
    {
        string full = Path.GetFullPath(signedPath);
        SnapshotFiles.CheckReplaceable(full);
        SnapshotFiles.ReplaceAtomically(full, file => Sign(snapshot, privateKeyPem, file));
    }

    private static RSA ImportPrivate(string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(privateKeyPem);
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            throw new ArgumentException("The signing key is not a PEM RSA private key.", nameof(privateKeyPem), ex);
        }

        return rsa;
    }
}
