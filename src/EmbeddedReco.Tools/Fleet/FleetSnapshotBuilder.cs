using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using EmbeddedReco.Import;
using EmbeddedReco.Snapshots;

namespace EmbeddedReco.Fleet;

/// <summary>
/// The trainer command's work: event files + a catalog → a snapshot with the catalog, the fleet's popularity and the trained
/// model, optionally signed (<see cref="ModelSigning"/>). The snapshot is written to a temporary file and moved into place.
/// </summary>
public static class FleetSnapshotBuilder
{
    /// <summary>The file extension of event export files the trainer reads from a folder: ".erevents".</summary>
    public const string EventFileExtension = ".erevents";

    /// <summary>Trains from every <see cref="EventFileExtension"/> file under <paramref name="eventsFolder"/> and writes the snapshot.</summary>
    /// <param name="eventsFolder">The upload folder (searched recursively, files in ordinal order).</param>
    /// <param name="itemsPath">The catalog: a snapshot file (catalog only is enough), a MovieLens movies.csv, or a feature CSV (id, features..., see <see cref="ItemFeatureReader"/>).</param>
    /// <param name="outPath">The snapshot to write.</param>
    /// <param name="options">Trainer settings; null = defaults.</param>
    /// <param name="signingKeyPem">A PEM RSA private key to sign the snapshot with; null (the default) = unsigned.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <returns>The figures of the run.</returns>
    /// <exception cref="ArgumentException">An argument is empty or a catalog has no items.</exception>
    /// <exception cref="InvalidDataException">An event file is malformed.</exception>
    public static FleetTrainingReport Build(string eventsFolder, string itemsPath, string outPath, FleetTrainerOptions? options = null, string? signingKeyPem = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventsFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(itemsPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outPath);
        var files = Directory.EnumerateFiles(eventsFolder, "*" + EventFileExtension, SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
        options ??= new FleetTrainerOptions();
        using var engine = OpenCatalog(itemsPath, options);
        var ids = engine.State.Catalog.Ids;
        var trained = FleetTrainer.Train(files, ids, options, cancellationToken);
        var pop = trained.Popularity;
        var rowOf = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            rowOf[ids[i]] = i;
        }

        if (trained.Model is not null)
        {
            engine.InstallTrained(trained.Model, trained.Result, id => rowOf.TryGetValue(id, out int r) ? (pop.Log2[r], pop.Impressions[r], pop.Engagements[r]) : null);
        }

        Write(engine, outPath, signingKeyPem, options.IncludePopularity);
        return trained.Report;
    }

    /// <summary>Opens an in-memory engine holding the catalog read from <paramref name="itemsPath"/>.</summary>
    internal static RecoEngine OpenCatalog(string itemsPath, FleetTrainerOptions options)
    {
        bool isSnapshot;
        using (var probe = File.OpenRead(itemsPath))
        {
            var magic = new byte[8];
            isSnapshot = probe.Read(magic, 0, 8) == 8 && magic.AsSpan().SequenceEqual(SnapshotHeader.Magic);
        }

        if (isSnapshot)
        {
            int dims;
            using (var file = File.OpenRead(itemsPath))
            {
                dims = SnapshotReader.Read(file, SnapshotOptions.DefaultMaxSnapshotBytes).Dimensions;
            }

            var engine = RecoEngine.Open(EngineOptions(dims, options));
            engine.LoadSnapshot(itemsPath);
            return engine;
        }

        var import = Path.GetFileName(itemsPath).Equals("movies.csv", StringComparison.OrdinalIgnoreCase)
            ? ItemFeatureReader.ReadMovieLensMoviesFile(itemsPath)
            : ItemFeatureReader.ReadFeatureCsvFile(itemsPath);
        if (import.Items.Count == 0)
        {
            throw new ArgumentException($"The catalog '{itemsPath}' has no items.", nameof(itemsPath));
        }

        var e = RecoEngine.Open(EngineOptions(import.Items[0].Features.Length, options));
        e.UpsertItems(import.Items);
        return e;
    }

    private static RecoEngineOptions EngineOptions(int dims, FleetTrainerOptions options) => new()
    {
        DatabasePath = RecoEngineOptions.InMemory,
        Dimensions = dims,
        Collaborative = options.Collaborative,
        EngagementWeights = options.EngagementWeights,
        PopularityHalfLife = options.PopularityHalfLife,
    };

    /// <summary>
    /// Writes the engine's snapshot (signed when a key is given) to <paramref name="outPath"/> atomically. An existing file there is
    /// replaced only when it is a snapshot (or empty): a file that is not ours is refused (<see cref="RecoException"/>, unchanged).
    /// </summary>
    internal static void Write(RecoEngine engine, string outPath, string? signingKeyPem, bool includePopularity = true)
    {
        var options = new SnapshotOptions { IncludeModel = true, IncludePopularity = includePopularity };
        if (signingKeyPem is null)
        {
            engine.SaveSnapshot(outPath, options);
            return;
        }

        using var buffer = new MemoryStream();
        engine.SaveSnapshot(buffer, options);
        ModelSigning.WriteSigned(buffer.ToArray(), signingKeyPem, outPath);
    }
}
