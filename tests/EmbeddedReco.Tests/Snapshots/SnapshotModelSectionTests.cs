using EmbeddedReco.Snapshots;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Snapshots;

/// <summary>The trained collaborative model travels in snapshots (format 1.1 'model' section).</summary>
public class SnapshotModelSectionTests
{
    private static RecoEngine TrainedEngine(CollaborativeAlgorithm algorithm)
    {
        var options = TestCatalog.Options(dimensions: 8);
        options.Collaborative.MinItemSupport = 1;
        options.Collaborative.Algorithm = algorithm;
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(40, 8, seed: 5));
        var rng = new Random(2);
        for (int u = 0; u < 30; u++)
        {
            int offset = u % 2 == 0 ? 0 : 20;
            foreach (int i in Enumerable.Range(0, 20).OrderBy(_ => rng.Next()).Take(5))
            {
                engine.Record(new Interaction($"user-{u:D2}", $"item-{offset + i:D4}", InteractionKind.Like));
            }
        }

        engine.Train();
        return engine;
    }

    private static List<IReadOnlyList<Suggestion>> Lists(RecoEngine engine) =>
        Enumerable.Range(0, 30).Select(u => engine.Suggest($"user-{u:D2}", new SuggestOptions { MarkShown = false })).ToList();

    [Theory]
    [InlineData(CollaborativeAlgorithm.Ease)]
    [InlineData(CollaborativeAlgorithm.ItemKnn)]
    public void LoadSnapshot_WithModel_ServesTheSameCollaborativeListsWithoutRetraining(CollaborativeAlgorithm algorithm)
    {
        using var source = TrainedEngine(algorithm);
        var expected = Lists(source);
        using var stream = new MemoryStream();
        source.SaveSnapshot(stream, new SnapshotOptions { IncludeProfiles = true });
        stream.Position = 0;

        using var target = TestCatalog.InMemory(dimensions: 8);
        target.LoadSnapshot(stream);

        Assert.NotNull(target.LastTraining);
        Assert.Equal(algorithm, target.LastTraining!.Algorithm);
        Assert.Equal(source.LastTraining!.ModelItems, target.LastTraining.ModelItems);
        Assert.Equal(source.LastTraining.TrainedAt, target.LastTraining.TrainedAt);
        var actual = Lists(target);
        for (int u = 0; u < expected.Count; u++)
        {
            Assert.Equal(expected[u], actual[u]);
        }

        Assert.Contains(actual[0][0].Breakdown!, c => c.Scorer == ScorerContract.Collaborative && c.Contribution > 0);
    }

    [Fact]
    public void SaveSnapshot_IncludeModelFalse_LeavesTheTargetsModelAlone()
    {
        using var source = TrainedEngine(CollaborativeAlgorithm.Ease);
        using var stream = new MemoryStream();
        source.SaveSnapshot(stream, new SnapshotOptions { IncludeModel = false });
        stream.Position = 0;
        using var target = TestCatalog.InMemory(dimensions: 8);

        target.LoadSnapshot(stream);

        Assert.Null(target.LastTraining);
    }

    public static TheoryData<string> Corruptions => new() { "nan-weight", "short-weights", "bad-neighbour", "unknown-algorithm", "duplicate-id" };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void LoadSnapshot_CorruptModelSection_ThrowsSnapshotInvalidAndChangesNothing(string corruption)
    {
        bool knn = corruption == "bad-neighbour";
        using var source = TrainedEngine(knn ? CollaborativeAlgorithm.ItemKnn : CollaborativeAlgorithm.Ease);
        var model = source.CaptureSnapshot(new SnapshotOptions());
        var c = model.Collaborative!;
        switch (corruption)
        {
            case "nan-weight":
                c.Dense![3] = float.NaN;
                break;
            case "short-weights":
                c.Dense = c.Dense![..^1];
                break;
            case "bad-neighbour":
                c.Neighbours![0] = c.ItemIds.Length + 5;
                break;
            case "unknown-algorithm":
                c.Algorithm = 42;
                break;
            case "duplicate-id":
                c.ItemIds = c.ItemIds.ToArray();
                c.ItemIds[1] = c.ItemIds[0];
                break;
        }

        using var payload = SnapshotWriter.EncodePayload(model);
        var file = SnapshotTestData.Envelope(payload.WrittenSpan, SnapshotFlags.Popularity, minor: 1);
        using var target = TrainedEngine(CollaborativeAlgorithm.Ease);
        var before = SnapshotTestData.Fingerprint(target);
        var training = target.LastTraining;

        var ex = Assert.Throws<RecoException>(() => target.LoadSnapshot(new MemoryStream(file)));

        Assert.Equal(RecoErrorCode.SnapshotInvalid, ex.Code);
        Assert.Equal(before, SnapshotTestData.Fingerprint(target));
        Assert.Same(training, target.LastTraining);
    }
}
