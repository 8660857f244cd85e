// Signed snapshots and the event export under classic Mono (Unity's runtime family) and .NET, as a host program for
// ../shared/mono/run.sh (plain C#: no top-level statements, no async Main). It generates an RSA key at run time (no key is
// stored anywhere), writes the signature envelope the trainer writes (docs/deployment.md; byte layout in
// src/EmbeddedReco/Snapshots/SnapshotSignature.cs), and checks that the engine loads the signed file and refuses unsigned,
// tampered and foreign-key files with SnapshotSignatureInvalid. Usage: SignatureHost <label>
using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using EmbeddedReco;

public static class SignatureHost
{
    private static int _passed;
    private static int _failed;

    public static int Main(string[] args)
    {
        string label = args.Length > 0 ? args[0] : "host";
        Console.WriteLine("INFO runtime: " + (Type.GetType("Mono.Runtime") != null ? "Mono" : "CoreCLR"));
        Console.WriteLine("INFO Vector.IsHardwareAccelerated = " + System.Numerics.Vector.IsHardwareAccelerated); // the harness's summary reads it
        byte[] snapshot = TrainerSnapshot();
        // Not RSA.Create() + KeySize: Mono's RSA.Create() keeps its 1024-bit key when KeySize is set afterwards (measured here).
        using (RSA a = new RSACryptoServiceProvider(2048))
        using (RSA b = new RSACryptoServiceProvider(2048))
        {
            string pemA = Pem(SubjectPublicKeyInfo(a.ExportParameters(false)));
            string pemB = Pem(SubjectPublicKeyInfo(b.ExportParameters(false)));
            byte[] signedA = Sign(snapshot, a);
            byte[] signedB = Sign(snapshot, b);
            var trustA = new SnapshotOptions { TrustedPublicKeys = new[] { pemA } };
            var trustBoth = new SnapshotOptions { TrustedPublicKeys = new[] { pemB, pemA } };
            Check("a snapshot signed by a trusted key loads", () => Expect(Load(signedA, trustA), 25));
            Check("either of two trusted keys (rotation) loads", () => Expect(Load(signedA, trustBoth) + Load(signedB, trustBoth), 50));
            Check("an unsigned snapshot is refused", () => Refused(snapshot, trustA));
            Check("a snapshot signed by another key is refused", () => Refused(signedB, trustA));
            Check("a byte changed after signing is refused", () =>
            {
                for (int pos = 48 + 256; pos < signedA.Length; pos += 97)
                {
                    byte[] t = (byte[])signedA.Clone();
                    t[pos] ^= 1;
                    Refused(t, trustA);
                }
            });
            Check("export pseudonyms match across runtimes", () => Pseudonyms());
            Latency(label, signedA, trustA);
        }

        Console.WriteLine("SUMMARY " + label + ": " + _passed + " passed, " + _failed + " failed");
        return _failed == 0 ? 0 : 1;
    }

    /// <summary>The p50 of loading the signed 25-item snapshot (verification included), for the harness's summary line.</summary>
    private static void Latency(string label, byte[] signed, SnapshotOptions options)
    {
        var times = new List<double>();
        for (int i = 0; i < 21; i++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            Load(signed, options);
            times.Add(sw.Elapsed.TotalMilliseconds * 1000);
        }

        times.Sort();
        Console.WriteLine("INFO LATENCY " + label + ": span p50 " + times[times.Count / 2].ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Check(string name, Action check)
    {
        try
        {
            check();
            _passed++;
            Console.WriteLine("PASS " + name);
        }
        catch (Exception ex)
        {
            _failed++;
            Console.WriteLine("FAIL " + name + ": " + ex);
        }
    }

    private static void Expect(int actual, int expected)
    {
        if (actual != expected)
        {
            throw new Exception("expected " + expected + ", got " + actual);
        }
    }

    private static byte[] TrainerSnapshot()
    {
        using (var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 4 }))
        {
            var items = new List<ItemDefinition>();
            for (int i = 0; i < 25; i++)
            {
                items.Add(new ItemDefinition("item-" + i, new float[] { 1, i, i % 3, 1 }));
            }

            engine.UpsertItems(items);
            var stream = new MemoryStream();
            engine.SaveSnapshot(stream);
            return stream.ToArray();
        }
    }

    private static int Load(byte[] file, SnapshotOptions options)
    {
        using (var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = 4 }))
        {
            engine.LoadSnapshot(new MemoryStream(file), options);
            return engine.ItemCount;
        }
    }

    private static void Refused(byte[] file, SnapshotOptions options)
    {
        try
        {
            Load(file, options);
        }
        catch (RecoException ex) when (ex.Code == RecoErrorCode.SnapshotSignatureInvalid)
        {
            return;
        }

        throw new Exception("the file was not refused with SnapshotSignatureInvalid");
    }

    private static void Pseudonyms()
    {
        var key = new byte[32];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(i + 1);
        }

        // The same value .NET computes (tests/EmbeddedReco.Tests/Export pins the format; printed here for the summary comparison).
        string p = EventExport.Pseudonymize("player-42", key);
        Console.WriteLine("INFO FINGERPRINT " + p.Substring(1));
        if (p.Length != 33 || p[0] != 'p')
        {
            throw new Exception("bad pseudonym " + p);
        }
    }

    // ---- the trainer's side, written from the documented layout ----

    private static byte[] Sign(byte[] snapshot, RSA key)
    {
        byte[] spki = SubjectPublicKeyInfo(key.ExportParameters(false));
        byte[] head = new byte[48];
        byte[] magic = { 0x89, (byte)'E', (byte)'R', (byte)'S', (byte)'I', (byte)'G', 0x1A, 0x0A };
        Array.Copy(magic, head, 8);
        head[8] = 1; // version
        head[10] = 1; // RSA PKCS#1 v1.5 SHA-256
        int sigLength = key.KeySize / 8;
        head[12] = (byte)sigLength;
        head[13] = (byte)(sigLength >> 8);
        using (var sha = SHA256.Create())
        {
            Array.Copy(sha.ComputeHash(spki), 0, head, 16, 32);
        }

        byte[] hash;
        using (var sha = SHA256.Create())
        {
            sha.TransformBlock(head, 0, 48, null, 0);
            sha.TransformFinalBlock(snapshot, 0, snapshot.Length);
            hash = sha.Hash;
        }

        byte[] signature = key.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var output = new MemoryStream();
        output.Write(head, 0, head.Length);
        output.Write(signature, 0, signature.Length);
        output.Write(snapshot, 0, snapshot.Length);
        return output.ToArray();
    }

    private static byte[] SubjectPublicKeyInfo(RSAParameters p)
    {
        byte[] rsaKey = Der(0x30, Concat(Der(0x02, Integer(p.Modulus)), Der(0x02, Integer(p.Exponent))));
        byte[] alg = Der(0x30, Concat(Der(0x06, new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 }), new byte[] { 0x05, 0x00 }));
        return Der(0x30, Concat(alg, Der(0x03, Concat(new byte[] { 0 }, rsaKey))));
    }

    private static byte[] Integer(byte[] unsigned) => unsigned[0] >= 0x80 ? Concat(new byte[] { 0 }, unsigned) : unsigned;

    private static byte[] Der(byte tag, byte[] content)
    {
        var o = new List<byte> { tag };
        int n = content.Length;
        if (n < 0x80)
        {
            o.Add((byte)n);
        }
        else if (n < 0x100)
        {
            o.Add(0x81);
            o.Add((byte)n);
        }
        else
        {
            o.Add(0x82);
            o.Add((byte)(n >> 8));
            o.Add((byte)n);
        }

        o.AddRange(content);
        return o.ToArray();
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        Array.Copy(a, r, a.Length);
        Array.Copy(b, 0, r, a.Length, b.Length);
        return r;
    }

    private static string Pem(byte[] der) =>
        "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PUBLIC KEY-----\n";
}
