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

    /// <summary>Trains now (the calling thread waits for the lowered training workers) and serves the model when it has items.</summary>
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
            var (result, model) = RunOnWorkers(_now(), progress, cancellationToken);
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
    /// Runs the training work (the matrix build and the trainer's parallel loops) on <see cref="CollaborativeOptions.Workers"/>
    /// engine threads lowered below the game's (<see cref="Background.BackgroundScheduler"/>); the calling thread only waits and
    /// relays progress. Nothing but computation runs on a lowered thread: a thread it created (a thread-pool worker started to
    /// run a continuation or a progress report) would inherit its lowered priority for good.
    /// </summary>
    private (TrainingResult Result, TrainedModel? Model) RunOnWorkers(long nowTicks, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        using var workers = new Background.BackgroundScheduler(_options.Workers);
        var relay = progress is null ? null : new Background.ProgressRelay();
        var work = Task.Factory.StartNew(
            () =>
            {
                workers.Enter();
                try
                {
                    var result = Run(nowTicks, relay, cancellationToken, out var model);
                    return (result, model);
                }
                finally
                {
                    Background.BackgroundScheduler.Exit();
                }
            },
            cancellationToken,
            TaskCreationOptions.None,
            workers);
        var handle = ((IAsyncResult)work).AsyncWaitHandle;
        while (!work.IsCompleted)
        {
            handle.WaitOne(50);
            relay?.ReportTo(progress!);
        }

        relay?.ReportTo(progress!); // the workers are still alive here: the scheduler ends with this method
        return work.GetAwaiter().GetResult();
    }

    public void CountInteraction()
    {
        if (_retrainAfter <= 0 || Interlocked.Increment(ref _sinceTraining) < _retrainAfter || Volatile.Read(ref _training) != 0
            || Volatile.Read(ref _retrainScheduled) != 0 || Interlocked.CompareExchange(ref _retrainScheduled, 1, 0) != 0)
        {
            return;
        }

        RunInBackground(_backgroundRetrain);
    }

    /// <summary>
    /// Runs <paramref name="work"/> (a background retrain, or <see cref="RecoEngine.TrainAsync"/>) on a thread of its own, which
    /// waits for the lowered training workers (see <see cref="RunOnWorkers"/>): a retrain never waits behind the host's own
    /// thread-pool work, nor holds a pool thread for its whole run.
    /// </summary>
    public static void RunInBackground(Action work)
    {
        var thread = new Thread(new ThreadStart(work)) { IsBackground = true, Name = "EmbeddedReco training runner" };
        thread.Start();
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
