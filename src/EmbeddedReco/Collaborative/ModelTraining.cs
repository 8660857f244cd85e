using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Collaborative;

/// <summary>One training of the collaborative model from the live profiles: the matrix, the algorithm, the summary.</summary>
internal static class ModelTraining
{
    /// <summary>
    /// Trains EASE or item-kNN (per <paramref name="options"/>) on every player's decayed positive history at
    /// <paramref name="nowTicks"/>. <paramref name="model"/> is the model to serve, or null when there was no data or the model
    /// is empty (the summary then says 0 items).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingResult Run(
        IEnumerable<KeyValuePair<string, UserState>> profiles,
        in Decay decay,
        long nowTicks,
        CollaborativeOptions options,
        IProgress<double>? progress,
        CancellationToken cancellationToken,
        out TrainedModel? model)
    {
        var sw = Stopwatch.StartNew();
        model = null;
        var builder = PlayerHistories.ToMatrix(profiles, decay, nowTicks, out int users);
        cancellationToken.ThrowIfCancellationRequested();
        var trainedAt = new DateTimeOffset(nowTicks, TimeSpan.Zero);
        if (builder.Count == 0)
        {
            return new TrainingResult(options.Algorithm, 0, 0, 0, sw.Elapsed, trainedAt);
        }

        var (matrix, _, itemIds) = builder.Build();
        var trained = CollaborativeModel.Train(itemIds, matrix, options, progress, cancellationToken);
        var result = new TrainingResult(trained.Algorithm, trained.ItemCount, users, builder.Count, sw.Elapsed, trainedAt);
        if (trained.ItemCount > 0)
        {
            model = new TrainedModel(trained, result);
        }

        return result;
    }
}
