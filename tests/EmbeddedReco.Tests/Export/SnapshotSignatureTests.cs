using EmbeddedReco.Fleet;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Export;

public class SnapshotSignatureTests
{
    // Keys are generated at run time (2048 bits: fast); no private key is ever stored in the repository.
    private static readonly Lazy<(string Private, string Public)> KeyA = new(() => ModelSigning.GenerateKeyPair(2048));
    private static readonly Lazy<(string Private, string Public)> KeyB = new(() => ModelSigning.GenerateKeyPair(2048));

    private static byte[] TrainerSnapshot()
    {
        using var trainer = TestCatalog.InMemory(dimensions: 8);
        trainer.UpsertItems(TestCatalog.Random(30, 8, seed: 9));
        using var stream = new MemoryStream();
        trainer.SaveSnapshot(stream);
        return stream.ToArray();
    }

    private static byte[] Signed(byte[] snapshot, string privatePem)
    {
        using var stream = new MemoryStream();
        ModelSigning.Sign(snapshot, privatePem, stream);
        return stream.ToArray();
    }

    private static SnapshotOptions Trusting(params string[] keys) => new() { TrustedPublicKeys = keys };

    [Fact]
    public void LoadSnapshot_SignedByTrustedKey_Loads()
    {
        byte[] signed = Signed(TrainerSnapshot(), KeyA.Value.Private);
        using var device = TestCatalog.InMemory(dimensions: 8);
        device.LoadSnapshot(new MemoryStream(signed), Trusting(KeyA.Value.Public));
        Assert.Equal(30, device.ItemCount);
    }

    [Fact]
    public void LoadSnapshot_FileSignedByTrustedKey_Loads()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.ersnap");
        File.WriteAllBytes(path, Signed(TrainerSnapshot(), KeyA.Value.Private));
        using var device = TestCatalog.InMemory(dimensions: 8);
        device.LoadSnapshot(path, Trusting(KeyA.Value.Public));
        Assert.Equal(30, device.ItemCount);
    }

    [Fact]
    public void LoadSnapshot_SeveralTrustedKeys_AcceptsEither()
    {
        var options = Trusting(KeyA.Value.Public, KeyB.Value.Public); // rotation: old and new key shipped together
        foreach (var key in new[] { KeyA.Value.Private, KeyB.Value.Private })
        {
            using var device = TestCatalog.InMemory(dimensions: 8);
            device.LoadSnapshot(new MemoryStream(Signed(TrainerSnapshot(), key)), options);
            Assert.Equal(30, device.ItemCount);
        }
    }

    [Fact]
    public void LoadSnapshot_Unsigned_ThrowsSignatureInvalidAndChangesNothing()
    {
        using var device = TestCatalog.InMemory(dimensions: 8);
        device.UpsertItems(TestCatalog.Random(3, 8, seed: 1));
        var ex = Assert.Throws<RecoException>(() => device.LoadSnapshot(new MemoryStream(TrainerSnapshot()), Trusting(KeyA.Value.Public)));
        Assert.Equal(RecoErrorCode.SnapshotSignatureInvalid, ex.Code);
        Assert.Equal(3, device.ItemCount);
    }

    [Fact]
    public void LoadSnapshot_SignedByUntrustedKey_ThrowsSignatureInvalid()
    {
        using var device = TestCatalog.InMemory(dimensions: 8);
        byte[] signed = Signed(TrainerSnapshot(), KeyB.Value.Private);
        var ex = Assert.Throws<RecoException>(() => device.LoadSnapshot(new MemoryStream(signed), Trusting(KeyA.Value.Public)));
        Assert.Equal(RecoErrorCode.SnapshotSignatureInvalid, ex.Code);
        Assert.Equal(0, device.ItemCount);
    }

    [Fact]
    public void LoadSnapshot_AnyByteChangedAfterSigning_ThrowsSignatureInvalid()
    {
        byte[] signed = Signed(TrainerSnapshot(), KeyA.Value.Private);
        var rng = new Random(17);
        foreach (int position in new[] { 9, 20, 48 + 5, signed.Length - 300, signed.Length - 1 }.Concat(Enumerable.Range(0, 5).Select(_ => rng.Next(48 + 384, signed.Length))))
        {
            byte[] tampered = (byte[])signed.Clone();
            tampered[position] ^= 0x01;
            using var device = TestCatalog.InMemory(dimensions: 8);
            var ex = Assert.Throws<RecoException>(() => device.LoadSnapshot(new MemoryStream(tampered), Trusting(KeyA.Value.Public)));
            Assert.Equal(RecoErrorCode.SnapshotSignatureInvalid, ex.Code);
            Assert.Equal(0, device.ItemCount);
        }
    }

    [Fact]
    public void LoadSnapshot_SignedWithoutTrustedKeys_IsRefused()
    {
        using var device = TestCatalog.InMemory(dimensions: 8);
        var ex = Assert.Throws<RecoException>(() => device.LoadSnapshot(new MemoryStream(Signed(TrainerSnapshot(), KeyA.Value.Private))));
        Assert.Equal(RecoErrorCode.SnapshotBadMagic, ex.Code);
    }

    [Fact]
    public void TrustedPublicKeys_NotAPemKey_ThrowsArgumentException()
    {
        using var device = TestCatalog.InMemory(dimensions: 8);
        Assert.Throws<ArgumentException>(() => device.LoadSnapshot(new MemoryStream(TrainerSnapshot()), Trusting("not a key")));
        Assert.Throws<ArgumentException>(() => device.LoadSnapshot(new MemoryStream(TrainerSnapshot()), Trusting(KeyA.Value.Private)));
    }
}
