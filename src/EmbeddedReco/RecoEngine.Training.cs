using System;
using System.Threading;
using System.Threading.Tasks;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Diagnostics;

namespace EmbeddedReco;

public sealed partial class RecoEngine
{
    /// <summary>The result of the latest training whose model is being served, or null before the first <see cref="Train"/>.</summary>
    public TrainingResult? LastTraining => _state.Model?.Result;

    /// <summary>
    /// Trains the collaborative model (EASE or item-kNN, see <see cref="RecoEngineOptions.Collaborative"/>) from every player's
    /// decayed engagement history and swaps it in atomically: <c>Suggest</c> keeps serving the previous model meanwhile and never
    /// waits. Runs on the calling thread; see <see cref="TrainAsync"/> for a background run. The model lives in memory (call Train
    /// again after reopening the engine, or set <see cref="RecoEngineOptions.RetrainAfterInteractions"/>).
    /// </summary>
    /// <param name="progress">Optional progress, 0..1 (reported from worker threads).</param>
    /// <returns>What was trained; <see cref="TrainingResult.ModelItems"/> is 0 when there was not enough data (no model is swapped in then).</returns>
    /// <exception cref="InvalidOperationException">Another training is running.</exception>
    /// <exception cref="ObjectDisposedException">The engine is disposed.</exception>
    public TrainingResult Train(IProgress<double>? progress = null) => TrainCore(progress, CancellationToken.None);

    /// <summary>
    /// Runs <see cref="Train"/> in the background: a thread of its own (not the thread pool) waits for at most
    /// <see cref="CollaborativeOptions.MaxDegreeOfParallelism"/> workers (default: all processors but one) that do the training
    /// below the game's threads (a nice value of 10 on Linux and Android, <see cref="ThreadPriority.BelowNormal"/> elsewhere), so
    /// training leaves the game's cores alone when the game needs them.
    /// </summary>
    /// <param name="cancellationToken">Cancels training; the served model stays as it was.</param>
    /// <param name="progress">Optional progress, 0..1.</param>
    /// <returns>What was trained.</returns>
    public Task<TrainingResult> TrainAsync(CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        ThrowIfDisposed();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TrainingResult>(cancellationToken);
        }

        var completion = new TaskCompletionSource<TrainingResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        ModelTrainer.RunInBackground(() =>
        {
            try
            {
                completion.TrySetResult(TrainCore(progress, cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
        });
        return completion.Task;
    }

    private TrainingResult TrainCore(IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _trainer.Train(progress, cancellationToken);
    }
}
