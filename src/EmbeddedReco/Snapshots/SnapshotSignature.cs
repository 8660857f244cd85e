using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace EmbeddedReco.Snapshots;

/// <summary>
/// The signature envelope of a snapshot, little-endian:
/// <code>
///  0   8  magic 89 45 52 53 49 47 1A 0A ("\x89ERSIG\x1A\n")
///  8   2  envelope version (1)
/// 10   2  scheme (1 = RSA PKCS#1 v1.5 with SHA-256)
/// 12   4  signature length L (256 to 1024 bytes: RSA 2048 to 8192 bits)
/// 16  32  key id: SHA-256 of the signer's public key (DER SubjectPublicKeyInfo)
/// 48   L  signature of SHA-256(bytes 0..47 || snapshot)
/// 48+L    the snapshot file, unchanged (its own 48-byte header, then its payload), to the end
/// </code>
/// RSA PKCS#1 v1.5 verifies on .NET and on classic Mono 6.8 (Unity's runtime family; checked with tests/EmbeddedReco.MonoHost/
/// SignatureHost.cs), where RSA-PSS and ECDSA are not available. Public keys are parsed here from DER (no
/// ImportSubjectPublicKeyInfo, which Mono lacks) and imported as <see cref="RSAParameters"/>.
/// </summary>
internal static class SnapshotSignature
{
    public const int HeaderSize = 48;
    public const ushort Version = 1;
    public const ushort SchemeRsaPkcs1Sha256 = 1;
    private const int MinSignature = 256;
    private const int MaxSignature = 1024;
    private const string PemBegin = "-----BEGIN PUBLIC KEY-----";
    private const string PemEnd = "-----END PUBLIC KEY-----";

    public static ReadOnlySpan<byte> Magic => new byte[] { 0x89, (byte)'E', (byte)'R', (byte)'S', (byte)'I', (byte)'G', 0x1A, 0x0A };

    /// <summary>A trusted key: its id (SHA-256 of its DER) and RSA parameters.</summary>
    internal sealed class TrustedKey
    {
        public TrustedKey(byte[] id, RSAParameters parameters)
        {
            Id = id;
            Parameters = parameters;
        }

        public byte[] Id { get; }

        public RSAParameters Parameters { get; }
    }

    /// <summary>Parses PEM public keys; a bad one is an <see cref="ArgumentException"/> naming the option.</summary>
    public static List<TrustedKey> ParseTrustedKeys(IReadOnlyList<string> pems, string paramName)
    {
        var keys = new List<TrustedKey>(pems.Count);
        for (int i = 0; i < pems.Count; i++)
        {
            try
            {
                byte[] der = PemToDer(pems[i] ?? throw new FormatException("the key is null"));
                keys.Add(new TrustedKey(Sha256(der), ParseSubjectPublicKeyInfo(der)));
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"SnapshotOptions.TrustedPublicKeys[{i}] is not an RSA public key in PEM (\"{PemBegin}\"): {ex.Message}", paramName, ex);
            }
        }

        return keys;
    }

    /// <summary>The key id of a DER SubjectPublicKeyInfo (SHA-256).</summary>
    public static byte[] KeyId(byte[] subjectPublicKeyInfo) => Sha256(subjectPublicKeyInfo);

    /// <summary>
    /// Returns the stream to read the snapshot from: <paramref name="source"/> itself when no keys are trusted; otherwise the verified
    /// snapshot bytes (read whole, up to the size cap), after checking the envelope, the key and the signature, and that the inner
    /// snapshot header announces exactly the bytes that follow.
    /// </summary>
    public static Stream Verify(Stream source, SnapshotOptions options)
    {
        if (options.TrustedPublicKeys is null || options.TrustedPublicKeys.Count == 0)
        {
            return source;
        }

        var keys = ParseTrustedKeys(options.TrustedPublicKeys, nameof(options));
        var head = new byte[HeaderSize];
        int got = ReadFully(source, head, 0, HeaderSize);
        if (got < Magic.Length || !head.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Invalid("The snapshot is not signed; SnapshotOptions.TrustedPublicKeys requires a signed snapshot.");
        }

        if (got < HeaderSize)
        {
            throw Invalid("The signed snapshot ends inside its signature header.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(8));
        ushort scheme = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        int sigLength = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(12));
        if (version != Version || scheme != SchemeRsaPkcs1Sha256 || sigLength < MinSignature || sigLength > MaxSignature)
        {
            throw Invalid($"The snapshot's signature envelope is unsupported (version {version}, scheme {scheme}, signature of {sigLength} bytes).");
        }

        byte[] keyId = head.AsSpan(16, 32).ToArray();
        TrustedKey? key = keys.Find(k => k.Id.AsSpan().SequenceEqual(keyId));
        if (key is null)
        {
            throw Invalid($"The snapshot is signed by key {Hex(keyId, 8)}, which is not in SnapshotOptions.TrustedPublicKeys.");
        }

        var signature = new byte[sigLength];
        if (ReadFully(source, signature, 0, sigLength) < sigLength)
        {
            throw Invalid("The signed snapshot ends inside its signature.");
        }

        byte[] body = ReadRest(source, options.MaxSnapshotBytes);
        byte[] hash;
        using (var sha = SHA256.Create())
        {
            sha.TransformBlock(head, 0, HeaderSize, null, 0);
            sha.TransformFinalBlock(body, 0, body.Length);
            hash = sha.Hash!;
        }

        bool ok;
        using (var rsa = RSA.Create())
        {
            try
            {
                rsa.ImportParameters(key.Parameters);
                ok = signature.Length == (rsa.KeySize + 7) / 8
                    && rsa.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                ok = false;
            }
        }

        if (!ok)
        {
            throw Invalid("The snapshot's signature does not verify: the file was changed after signing, or signed with another key.");
        }

        // Only now look inside: the snapshot header must announce exactly the signed bytes.
        var header = SnapshotHeader.Parse(body, Math.Min(body.Length, SnapshotHeader.Size), options.MaxSnapshotBytes);
        if (SnapshotHeader.Size + header.StoredLength != body.Length)
        {
            throw new RecoException(RecoErrorCode.SnapshotInvalid, $"The signed snapshot holds {body.Length} bytes; its header announces {SnapshotHeader.Size + header.StoredLength}.");
        }

        // Publicly visible: the reader parses these bytes in place (SnapshotReader.ReadStored) rather than copying them again.
        return new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true);
    }

    /// <summary>Writes the envelope and <paramref name="snapshot"/> to <paramref name="destination"/>, signed with <paramref name="privateKey"/>.</summary>
    public static void Sign(byte[] snapshot, RSA privateKey, byte[] publicKeyDer, Stream destination)
    {
        int sigLength = (privateKey.KeySize + 7) / 8;
        if (sigLength < MinSignature || sigLength > MaxSignature)
        {
            throw new ArgumentException($"The signing key must be RSA of 2048 to 8192 bits; it has {privateKey.KeySize}.", nameof(privateKey));
        }

        var head = new byte[HeaderSize];
        Magic.CopyTo(head);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), SchemeRsaPkcs1Sha256);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), sigLength);
        KeyId(publicKeyDer).CopyTo(head, 16);
        byte[] hash;
        using (var sha = SHA256.Create())
        {
            sha.TransformBlock(head, 0, HeaderSize, null, 0);
            sha.TransformFinalBlock(snapshot, 0, snapshot.Length);
            hash = sha.Hash!;
        }

        byte[] signature = privateKey.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        destination.Write(head, 0, head.Length);
        destination.Write(signature, 0, signature.Length);
        destination.Write(snapshot, 0, snapshot.Length);
    }

    /// <summary>The DER bytes of a PEM "PUBLIC KEY" block.</summary>
    public static byte[] PemToDer(string pem)
    {
        int begin = pem.IndexOf(PemBegin, StringComparison.Ordinal);
        int end = pem.IndexOf(PemEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new FormatException($"no \"{PemBegin}\" ... \"{PemEnd}\" block");
        }

        string body = pem.Substring(begin + PemBegin.Length, end - begin - PemBegin.Length);
        var sb = new StringBuilder(body.Length);
        foreach (char c in body)
        {
            if (!char.IsWhiteSpace(c))
            {
                sb.Append(c);
            }
        }

        return Convert.FromBase64String(sb.ToString());
    }

    /// <summary>Parses SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { SEQUENCE { INTEGER n, INTEGER e } } }.</summary>
    public static RSAParameters ParseSubjectPublicKeyInfo(byte[] der)
    {
        int pos = 0;
        var spki = Tlv(der, ref pos, 0x30);
        if (pos != der.Length)
        {
            throw new FormatException("trailing bytes after the key");
        }

        int p = spki.Offset;
        var alg = Tlv(der, ref p, 0x30);
        int a = alg.Offset;
        var oid = Tlv(der, ref a, 0x06);
        byte[] rsaOid = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 };
        if (!der.AsSpan(oid.Offset, oid.Length).SequenceEqual(rsaOid))
        {
            throw new FormatException("not an RSA key (only RSA keys are supported)");
        }

        var bits = Tlv(der, ref p, 0x03);
        if (bits.Length < 1 || der[bits.Offset] != 0)
        {
            throw new FormatException("bad key bit string");
        }

        int k = bits.Offset + 1;
        var rsaKey = Tlv(der, ref k, 0x30);
        int r = rsaKey.Offset;
        var n = Tlv(der, ref r, 0x02);
        var e = Tlv(der, ref r, 0x02);
        return new RSAParameters { Modulus = Unsigned(der, n), Exponent = Unsigned(der, e) };
    }

    private static byte[] Unsigned(byte[] der, (int Offset, int Length) value)
    {
        int offset = value.Offset;
        int length = value.Length;
        while (length > 1 && der[offset] == 0)
        {
            offset++;
            length--;
        }

        return der.AsSpan(offset, length).ToArray();
    }

    private static (int Offset, int Length) Tlv(byte[] der, ref int pos, byte tag)
    {
        if (pos + 2 > der.Length || der[pos] != tag)
        {
            throw new FormatException($"expected DER tag 0x{tag:X2}");
        }

        pos++;
        int length = der[pos++];
        if (length >= 0x80)
        {
            int count = length & 0x7F;
            if (count < 1 || count > 3 || pos + count > der.Length)
            {
                throw new FormatException("bad DER length");
            }

            length = 0;
            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | der[pos++];
            }
        }

        if (length > der.Length - pos)
        {
            throw new FormatException("DER value longer than the key");
        }

        int offset = pos;
        pos += length;
        return (offset, length);
    }

    private static byte[] ReadRest(Stream source, long maxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                throw new RecoException(RecoErrorCode.SnapshotTooLarge, $"The signed snapshot is larger than SnapshotOptions.MaxSnapshotBytes ({maxBytes} bytes).");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static int ReadFully(Stream source, byte[] buffer, int offset, int count)
    {
        int total = 0;
        while (total < count)
        {
            int n = source.Read(buffer, offset + total, count - total);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static byte[] Sha256(byte[] data)
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
    }

    private static string Hex(byte[] bytes, int count)
    {
        var sb = new StringBuilder(count * 2);
        for (int i = 0; i < count && i < bytes.Length; i++)
        {
            sb.Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static RecoException Invalid(string message) => new RecoException(RecoErrorCode.SnapshotSignatureInvalid, message);
}
