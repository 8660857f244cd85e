using System.Globalization;
using System.Text;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Fleet;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Export;

/// <summary>
/// The boundary between samples/EmbeddedReco.SparkTraining/fleet_gram_job.py (not run here: no Spark on these machines) and the
/// trainer: files in exactly the job's schema and layout are produced here by the job's arithmetic, imported, served by an
/// engine and evaluated.
/// </summary>
public class SparkInterchangeTests
{
    private const int K = 20;
    private const double Shrink = 10;
    private const int MinSupport = 3;

    private static List<Interaction> Synthetic(int seed = 5)
    {
        var rng = new Random(seed);
        var list = new List<Interaction>();
        for (int u = 0; u < 500; u++)
        {
            int group = rng.Next(5);
            for (int e = 0; e < 20; e++)
            {
                int item = rng.NextDouble() < 0.8 ? (group * 20) + rng.Next(20) : rng.Next(100);
                // Ids with a comma and a quote exercise the CSV quoting Spark applies.
                string id = item % 17 == 0 ? $"item \"{item}\", special" : $"item-{item:D3}";
                list.Add(new Interaction($"player-{u}", id, InteractionKind.Click));
            }
        }

        return list;
    }

    /// <summary>What the job writes, computed with the job's formulas (binary pairs, support, co-occurrence, cosine with shrink, top-k).</summary>
    private static void WriteJobOutput(TrainingSet train, string outFolder)
    {
        var users = train.UserIds.ToDictionary(u => u, u => train.ItemsOf(u).ToHashSet(StringComparer.Ordinal));
        var support = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var items in users.Values)
        {
            foreach (var i in items)
            {
                support[i] = support.GetValueOrDefault(i) + 1;
            }
        }

        var eligible = support.Where(p => p.Value >= MinSupport).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var cooc = new Dictionary<(string A, string B), int>();
        foreach (var items in users.Values)
        {
            var e = items.Where(eligible.Contains).ToList();
            foreach (var a in e)
            {
                foreach (var b in e)
                {
                    if (a != b)
                    {
                        cooc[(a, b)] = cooc.GetValueOrDefault((a, b)) + 1;
                    }
                }
            }
        }

        var rows = cooc.Select(p => (Item: p.Key.B, Neighbour: p.Key.A, Sim: p.Value / ((Math.Sqrt(support[p.Key.A]) * Math.Sqrt(support[p.Key.B])) + Shrink)))
            .Where(r => r.Sim > 0)
            .GroupBy(r => r.Item)
            .SelectMany(g => g.OrderByDescending(r => r.Sim).ThenBy(r => r.Neighbour, StringComparer.Ordinal).Take(K))
            .ToList();

        // Spark's layout: a folder per table, part files with a header each, an empty part for an empty partition, _SUCCESS.
        string neighbours = Directory.CreateDirectory(Path.Combine(outFolder, "neighbours")).FullName;
        int half = rows.Count / 2;
        WritePart(Path.Combine(neighbours, "part-00000-3f1c-c000.csv"), SparkInterchange.NeighboursHeader, rows.Take(half).Select(r => new[] { r.Item, r.Neighbour, R(r.Sim) }));
        WritePart(Path.Combine(neighbours, "part-00001-3f1c-c000.csv"), SparkInterchange.NeighboursHeader, rows.Skip(half).Select(r => new[] { r.Item, r.Neighbour, R(r.Sim) }));
        File.WriteAllText(Path.Combine(neighbours, "part-00002-3f1c-c000.csv"), string.Empty);
        File.WriteAllText(Path.Combine(neighbours, "_SUCCESS"), string.Empty);
        string popularity = Directory.CreateDirectory(Path.Combine(outFolder, "popularity")).FullName;
        WritePart(Path.Combine(popularity, "part-00000-77aa-c000.csv"), SparkInterchange.PopularityHeader, support.Select(p => new[] { p.Key, "0", p.Value.ToString(CultureInfo.InvariantCulture), R(Math.Log2(p.Value) + 1400) }));
        File.WriteAllText(Path.Combine(popularity, "_SUCCESS"), string.Empty);
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void WritePart(string path, string header, IEnumerable<string[]> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var r in rows)
        {
            sb.AppendJoin(',', r.Select(f => f.Contains(',') || f.Contains('"') ? "\"" + f.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : f)).Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Writes the job's output for the training set, imports it into a snapshot, loads it into a device engine and serves its model.</summary>
    private sealed class SparkPathRecommender : IRecommenderUnderTest
    {
        private readonly TempFolder folder;
        private CollaborativeModel? served;
        private TrainingSet? train;

        public SparkPathRecommender(TempFolder folder) => this.folder = folder;

        public string Name => "Spark interchange";

        public void Train(TrainingSet train, CancellationToken cancellationToken)
        {
            this.train = train;
            string job = Directory.CreateDirectory(folder.File("job")).FullName;
            WriteJobOutput(train, job);
            string catalog = folder.File("catalog.ersnap");
            using (var studio = TestCatalog.InMemory(dimensions: 4))
            {
                studio.UpsertItems(train.ItemIds.Select(id => new ItemDefinition(id, new float[] { 1, 0, 0, 0 })));
                studio.SaveSnapshot(catalog);
            }

            string model = folder.File("model.ersnap");
            var keys = ModelSigning.GenerateKeyPair(2048);
            SparkInterchange.Build(Path.Combine(job, "neighbours"), Path.Combine(job, "popularity"), catalog, model, new FleetTrainerOptions { Collaborative = new CollaborativeOptions { Neighbours = K } }, keys.PrivateKeyPem);
            var device = TestCatalog.InMemory(dimensions: 4);
            device.LoadSnapshot(model, new SnapshotOptions { TrustedPublicKeys = new[] { keys.PublicKeyPem } });
            served = device.State.Model?.Model;
            Assert.NotNull(served);
            Assert.Equal(CollaborativeAlgorithm.ItemKnn, device.LastTraining!.Algorithm);
            device.Dispose();
        }

        public IReadOnlyList<string> Recommend(string userId, int count) => FleetRecommender.TopN(served!, train!.ItemsOf(userId), count);
    }

    [Fact]
    public void Build_JobOutputFiles_ServesTheSameNdcgAsTheSingleMachineItemKnn()
    {
        using var folder = new TempFolder();
        var split = DataSplit.StratifiedRandom(Synthetic(), 0.75, seed: 42);
        var knn = new CollaborativeRecommender(new CollaborativeOptions { Algorithm = CollaborativeAlgorithm.ItemKnn, Neighbours = K, Shrink = Shrink, MinItemSupport = MinSupport });
        var spark = new SparkPathRecommender(folder);

        var report = OfflineEvaluator.Evaluate(split, new IRecommenderUnderTest[] { knn, spark }, new EvaluationOptions { K = 10, Seed = 42 });

        double expected = report["ItemKNN"]!.Ndcg;
        Assert.Equal(expected, report[spark.Name]!.Ndcg, 6);
        Assert.True(expected > 1.3 * report["MostPopular"]!.Ndcg, report.ToTable());
    }

    [Fact]
    public void Build_WrongHeader_ThrowsInvalidData()
    {
        using var folder = new TempFolder();
        string dir = Directory.CreateDirectory(folder.File("neighbours")).FullName;
        File.WriteAllText(Path.Combine(dir, "part-00000.csv"), "a,b,sim\nx,y,0.5\n");
        string catalog = folder.File("catalog.ersnap");
        using (var studio = TestCatalog.InMemory(dimensions: 4))
        {
            studio.UpsertItems(new[] { new ItemDefinition("x", new float[] { 1, 0, 0, 0 }), new ItemDefinition("y", new float[] { 0, 1, 0, 0 }) });
            studio.SaveSnapshot(catalog);
        }

        Assert.Throws<InvalidDataException>(() => SparkInterchange.Build(dir, null, catalog, folder.File("m.ersnap")));
        File.WriteAllText(Path.Combine(dir, "part-00000.csv"), SparkInterchange.NeighboursHeader + "\nx,y,NaN\n");
        Assert.Throws<InvalidDataException>(() => SparkInterchange.Build(dir, null, catalog, folder.File("m.ersnap")));
    }
}
