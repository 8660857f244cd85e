using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Evaluation;
using EmbeddedReco.Export;

namespace EmbeddedReco.Fleet;

/// <summary>
/// Evaluates the fleet path offline: the training set is written as event export files (split over several "devices", one
/// player's events spread over files), trained by <see cref="FleetTrainer"/> and scored as <see cref="CollaborativeRecommender"/>
/// scores (so the two must give the same NDCG).
/// </summary>
public sealed class FleetRecommender : IRecommenderUnderTest
{
    private readonly FleetTrainerOptions options;
    private readonly int files;
    private CollaborativeModel? model;
    private TrainingSet? train;

    /// <summary>Creates the adapter.</summary>
    /// <param name="options">Trainer settings; null = defaults (binary weights, EASE as <see cref="CollaborativeOptions"/>).</param>
    /// <param name="files">How many export files the training set is written to; default 8.</param>
    public FleetRecommender(FleetTrainerOptions? options = null, int files = 8)
    {
        this.options = options ?? new FleetTrainerOptions();
        this.options.Validate();
        if (files < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(files), files, "At least one file.");
        }

        this.files = files;
    }

    /// <inheritdoc />
    public string Name => "Fleet " + (model?.Algorithm.ToString() ?? "model");

    /// <summary>Figures of the last training.</summary>
    public FleetTrainingReport? Report { get; private set; }

    /// <inheritdoc />
    public void Train(TrainingSet train, CancellationToken cancellationToken)
    {
        this.train = train ?? throw new ArgumentNullException(nameof(train));
        string dir = Path.Combine(Path.GetTempPath(), "reco-fleet-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var batches = new List<ExportedEvent>[files];
            for (int f = 0; f < files; f++)
            {
                batches[f] = new List<ExportedEvent>();
            }

            long id = 0;
            foreach (var x in train.Interactions)
            {
                id++;
                batches[id % files].Add(new ExportedEvent(id, x.UserId, x.ItemId, x.Kind, x.Value, x.Timestamp?.UtcTicks ?? 0));
            }

            var paths = new List<string>();
            for (int f = 0; f < files; f++)
            {
                string path = Path.Combine(dir, $"device-{f:D4}{FleetSnapshotBuilder.EventFileExtension}");
                using (var stream = File.Create(path))
                {
                    EventFile.Write(stream, batches[f], null);
                }

                paths.Add(path);
            }

            var trained = FleetTrainer.Train(paths, new List<string>(train.ItemIds), options, cancellationToken);
            model = trained.Model ?? throw new InvalidOperationException("The training set is too small for a model.");
            Report = trained.Report;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Recommend(string userId, int count)
    {
        if (model is null || train is null)
        {
            throw new InvalidOperationException("Train must be called before Recommend.");
        }

        return TopN(model, train.ItemsOf(userId), count);
    }

    /// <summary>The best <paramref name="count"/> model items for a history (unit weights), outside it, ties by ordinal id (as <see cref="CollaborativeRecommender"/>).</summary>
    internal static IReadOnlyList<string> TopN(CollaborativeModel model, IEnumerable<string> items, int count)
    {
        var history = new List<int>();
        foreach (var item in items)
        {
            int i = model.IndexOf(item);
            if (i >= 0)
            {
                history.Add(i);
            }
        }

        var weights = new float[history.Count];
        weights.AsSpan().Fill(1f);
        var scores = new float[model.ItemCount];
        model.Score(history.ToArray(), weights, scores);
        foreach (int h in history)
        {
            scores[h] = float.NegativeInfinity;
        }

        return ModelTopN.Ids(model, scores, count);
    }
}
