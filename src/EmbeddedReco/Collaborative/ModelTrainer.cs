using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Profiles;
using EmbeddedReco.State;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// Trains the collaborative model from the live profiles and serves it (<see cref="LiveState.ServeModel"/>): one training at a
/// time, on the caller's thread or, after <see cref="RecoEngineOptions.RetrainAfterInteractions"/> interactions, in the
/// background. <c>Suggest</c> keeps serving the previous model meanwhile and never waits.
/// </summary>
internal sealed class ModelTrainer
{
    private readonly LiveState _state;
    private readonly Decay _decay;
    private readonly CollaborativeOptions _options;
    private readonly int _retrainAfter;
    private readonly ILogger _logger;
    private readonly Func<long> _now;
    private readonly Func<bool> _isOpen;
    private readonly Action _backgroundRetrain; // cached: a retrain allocates its Task only, never a closure
    private int _training;
    private int _retrainScheduled; // 1 from the call that crossed the threshold until the background run ends
    private long _sinceTraining;

    public ModelTrainer(LiveState state, Decay decay, RecoEngineOptions options, ILogger logger, Func<bool> isOpen)
    {
        _state = state;
        _decay = decay;
        _options = options.Collaborative;
        _retrainAfter = options.RetrainAfterInteractions;
        _logger = logger;
        var clock = options.Clock;
        _now = () => clock().UtcTicks;
        _isOpen = isOpen;
        _backgroundRetrain = BackgroundRetrain;
    }

    /// <summary>Trains now on the calling thread and serves the model when it has items.</summary>
    /// <exception cref="InvalidOperationException">Another training is running.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the served model stays.</exception>
    public TrainingResult Train(IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _training, 1, 0) != 0)
        {
            throw new InvalidOperationException("A training is already running on this engine.");
        }

        try
        {
            Interlocked.Exchange(ref _sinceTraining, 0);
            var result = Run(_now(), progress, cancellationToken, out var model);
            if (model is not null)
            {
                _state.ServeModel(model);
            }

            if (result.Interactions > 0)
            {
                Log.ModelTrained(_logger, result.Algorithm.ToString(), result.ModelItems, result.Users, result.Interactions, result.Duration.TotalMilliseconds);
            }

            return result;
        }
        finally
        {
            Volatile.Write(ref _training, 0);
        }
    }

    /// <summary>
    /// Called after each recorded interaction: starts a background retrain when the threshold is reached. Exactly one call schedules
    /// it (the others return after one increment and two reads, allocating nothing), however long the thread pool takes to start it.
    /// </summary>
    public void CountInteraction()
    {
        if (_retrainAfter <= 0 || Interlocked.Increment(ref _sinceTraining) < _retrainAfter || Volatile.Read(ref _training) != 0
            || Volatile.Read(ref _retrainScheduled) != 0 || Interlocked.CompareExchange(ref _retrainScheduled, 1, 0) != 0)
        {
            return;
        }

        Task.Run(_backgroundRetrain);
    }

    private void BackgroundRetrain()
    {
        try
        {
            if (_isOpen() && Volatile.Read(ref _training) == 0)
            {
                Train(null, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex is ObjectDisposedException || ex is OperationCanceledException)
        {
            // Another training won the race, or the engine closed meanwhile.
        }
        catch (Exception ex)
        {
            Log.TrainingFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _retrainScheduled, 0);
        }
    }

    /// <summary>
    /// One training on every player's decayed positive history at <paramref name="nowTicks"/>. <paramref name="model"/> is the
    /// model to serve, or null when there was no data or the model is empty (the summary then says 0 items).
    /// </summary>
    private TrainingResult Run(long nowTicks, IProgress<double>? progress, CancellationToken cancellationToken, out TrainedModel? model)
    {
        var sw = Stopwatch.StartNew();
        model = null;
        var builder = PlayerHistories.ToMatrix(_state.Players.Profiles, _decay, nowTicks, out int users);
        cancellationToken.ThrowIfCancellationRequested();
        var trainedAt = new DateTimeOffset(nowTicks, TimeSpan.Zero);
        if (builder.Count == 0)
        {
            return new TrainingResult(_options.Algorithm, 0, 0, 0, sw.Elapsed, trainedAt);
        }

        var (matrix, _, itemIds) = builder.Build();
        var trained = CollaborativeModel.Train(itemIds, matrix, _options, progress, cancellationToken);
        var result = new TrainingResult(trained.Algorithm, trained.ItemCount, users, builder.Count, sw.Elapsed, trainedAt);
        if (trained.ItemCount > 0)
        {
            model = new TrainedModel(trained, result);
        }

        return result;
    }
}
