using EmbeddedReco.Collaborative;
using EmbeddedReco.Export;
using EmbeddedReco.Fleet;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Export;

public class FleetTrainerTests
{
    /// <summary>Players with a taste for one of 4 item groups; each player's events spread over several device files.</summary>
    private static (List<string> Files, string[] ItemIds, InteractionMatrixBuilder Reference) Synthetic(TempFolder folder, int files, int seed = 5)
    {
        var rng = new Random(seed);
        var itemIds = Enumerable.Range(0, 80).Select(i => $"item-{i:D3}").ToArray();
        var batches = Enumerable.Range(0, files).Select(_ => new List<ExportedEvent>()).ToArray();
        var reference = new InteractionMatrixBuilder();
        var seen = new HashSet<(string, string)>();
        long id = 0;
        for (int u = 0; u < 400; u++)
        {
            string user = $"player-{u}";
            int group = rng.Next(4);
            for (int e = 0; e < 25; e++)
            {
                int item = rng.NextDouble() < 0.8 ? (group * 20) + rng.Next(20) : rng.Next(80);
                var kind = (InteractionKind)rng.Next(0, 8);
                double value = kind == InteractionKind.Rating ? rng.Next(1, 6) : kind == InteractionKind.Play ? rng.Next(1, 600) : 1;
                batches[rng.Next(files)].Add(new ExportedEvent(++id, user, itemIds[item], kind, value, 638000000000000000 + (id * 10_000_000)));
                bool positive = kind != InteractionKind.Impression && kind != InteractionKind.Skip && kind != InteractionKind.Dislike;
                if (positive && seen.Add((user, itemIds[item])))
                {
                    reference.Add(user, itemIds[item], 1f);
                }
            }
        }

        var paths = new List<string>();
        for (int f = 0; f < files; f++)
        {
            string path = folder.File($"device-{f:D3}.erevents");
            using var stream = File.Create(path);
            EventFile.Write(stream, batches[f], null);
            paths.Add(path);
        }

        return (paths, itemIds, reference);
    }

    [Theory]
    [InlineData(CollaborativeAlgorithm.Ease)]
    [InlineData(CollaborativeAlgorithm.ItemKnn)]
    public void Train_EventsSpreadOverFiles_MatchesTheCoreTrainerOnTheSamePairs(CollaborativeAlgorithm algorithm)
    {
        using var folder = new TempFolder();
        var (files, itemIds, reference) = Synthetic(folder, files: 7);
        var collaborative = new CollaborativeOptions { Algorithm = algorithm, EaseLambda = 20, Neighbours = 10 };
        var (matrix, _, ids) = reference.Build();
        var expected = CollaborativeModel.Train(ids, matrix, collaborative);

        var fleet = FleetTrainer.Train(files, itemIds, new FleetTrainerOptions { Collaborative = collaborative, Shards = 5, Workers = 2 });

        var actual = fleet.Model!;
        Assert.Equal(expected.ItemIds, actual.ItemIds);
        Assert.Equal(400, fleet.Report.Users);
        if (algorithm == CollaborativeAlgorithm.Ease)
        {
            var e = expected.DenseWeights.ToArray();
            var a = actual.DenseWeights.ToArray();
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(e[i] - a[i]) <= 1e-4 + (1e-3 * Math.Abs(e[i])), $"weight {i}: {e[i]} vs {a[i]}");
            }
        }
        else
        {
            Assert.Equal(expected.NeighbourStart.ToArray(), actual.NeighbourStart.ToArray());
            Assert.Equal(expected.Neighbours.ToArray(), actual.Neighbours.ToArray());
            Assert.Equal(expected.Similarities.ToArray(), actual.Similarities.ToArray(), (x, y) => Math.Abs(x - y) < 1e-5f);
        }
    }

    [Fact]
    public void Train_ItemsOutsideTheCatalog_AreSkippedAndCounted()
    {
        using var folder = new TempFolder();
        var (files, itemIds, _) = Synthetic(folder, files: 2);
        var fleet = FleetTrainer.Train(files, itemIds.Take(40).ToArray(), new FleetTrainerOptions { Shards = 3 });
        Assert.True(fleet.Report.UnknownItemEvents > 0);
        Assert.All(fleet.Model!.ItemIds, id => Assert.True(string.CompareOrdinal(id, "item-040") < 0));
    }

    [Fact]
    public void Build_DeviceExportsToSignedSnapshot_DeviceLoadsModelAndPopularity()
    {
        using var folder = new TempFolder();
        var keys = ModelSigning.GenerateKeyPair(2048);
        var items = TestCatalog.Clustered(40, 8, clusters: 4, seed: 3);
        string catalog = folder.File("catalog.ersnap");
        using (var studio = TestCatalog.InMemory(dimensions: 8))
        {
            studio.UpsertItems(items);
            studio.SaveSnapshot(catalog);
        }

        string uploads = Directory.CreateDirectory(folder.File("uploads")).FullName;
        var rng = new Random(11);
        for (int d = 0; d < 6; d++)
        {
            using var device = RecoEngine.Open(TestCatalog.Options(folder.File($"device-{d}.db"), dimensions: 8));
            device.LoadSnapshot(catalog);
            for (int p = 0; p < 10; p++)
            {
                int cluster = rng.Next(4);
                for (int e = 0; e < 8; e++)
                {
                    device.Record(new Interaction($"d{d}-p{p}", items[(cluster * 10) + rng.Next(10)].Id, InteractionKind.Click));
                }
            }

            using var file = File.Create(Path.Combine(uploads, $"device-{d}-1{FleetSnapshotBuilder.EventFileExtension}"));
            var result = device.ExportEvents(file, 0, new EventExportOptions { PseudonymKey = new byte[16] });
            Assert.Equal(80, result.Rows);
        }

        string model = folder.File("model.ersnap");
        var report = FleetSnapshotBuilder.Build(uploads, catalog, model, new FleetTrainerOptions { Collaborative = new CollaborativeOptions { EaseLambda = 10 } }, keys.PrivateKeyPem);

        Assert.Equal(480, report.Events);
        Assert.Equal(60, report.Users);
        using var fresh = TestCatalog.InMemory(dimensions: 8);
        fresh.LoadSnapshot(model, new SnapshotOptions { TrustedPublicKeys = new[] { keys.PublicKeyPem } });
        Assert.Equal(40, fresh.ItemCount);
        Assert.Equal(report.ModelItems, fresh.LastTraining!.ModelItems);
        Assert.True(report.ModelItems > 30);
        var unsigned = Assert.Throws<RecoException>(() => fresh.LoadSnapshot(catalog, new SnapshotOptions { TrustedPublicKeys = new[] { keys.PublicKeyPem } }));
        Assert.Equal(RecoErrorCode.SnapshotSignatureInvalid, unsigned.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_OutPathHoldsAFileThatIsNotASnapshot_RefusedAndFileUnchanged(bool signed)
    {
        using var folder = new TempFolder();
        var (files, itemIds, _) = Synthetic(folder, files: 2);
        string catalog = folder.File("catalog.ersnap");
        using (var studio = TestCatalog.InMemory(dimensions: 8))
        {
            var rng = new Random(3);
            studio.UpsertItems(itemIds.Select(id => new ItemDefinition(id, Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble()).ToArray())));
            studio.SaveSnapshot(catalog);
        }

        string target = folder.File("build-notes.txt");
        File.WriteAllText(target, "not ours");
        string? key = signed ? ModelSigning.GenerateKeyPair(2048).PrivateKeyPem : null;

        var ex = Assert.Throws<RecoException>(() => FleetSnapshotBuilder.Build(Path.GetDirectoryName(files[0])!, catalog, target, null, key));

        Assert.Equal(RecoErrorCode.SnapshotWriteFailed, ex.Code);
        Assert.Equal("not ours", File.ReadAllText(target));
        Assert.DoesNotContain(Directory.GetFiles(folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
