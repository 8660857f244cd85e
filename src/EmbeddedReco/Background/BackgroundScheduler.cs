using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace EmbeddedReco.Background;

/// <summary>
/// The threads one training run may use: a fixed number of dedicated threads lowered below the game's threads
/// (<see cref="BackgroundPriority"/>), never the thread pool (which the host's own work and the runtime share, and whose threads
/// must not keep a lowered priority). The parallel loops of training take it through <see cref="Options"/>; a task is never run
/// inline on the caller, so a host thread that calls <c>Train</c> only waits.
/// </summary>
internal sealed class BackgroundScheduler : TaskScheduler, IDisposable
{
    /// <summary>The workers' names (followed by their number); the OS sees the first 15 characters, "Reco background".</summary>
    public const string ThreadName = "Reco background worker ";

    [ThreadStatic]
    private static BackgroundScheduler? t_current;

    private readonly BlockingCollection<Task> _queue = new BlockingCollection<Task>();
    private readonly Thread[] _threads;

    /// <summary>Starts <paramref name="threads"/> lowered background threads (at least 1).</summary>
    public BackgroundScheduler(int threads)
    {
        _threads = new Thread[Math.Max(1, threads)];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = ThreadName + i };
            _threads[i].Start();
        }
    }

    /// <inheritdoc/>
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>
    /// Parallel-loop options for the current training run: its scheduler (when the run installed one with <see cref="Enter"/>)
    /// and at most <paramref name="workers"/> workers.
    /// </summary>
    public static ParallelOptions Options(int workers, CancellationToken cancellationToken)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken };
        if (t_current is { } scheduler)
        {
            options.TaskScheduler = scheduler;
            options.MaxDegreeOfParallelism = Math.Min(options.MaxDegreeOfParallelism, scheduler.MaximumConcurrencyLevel);
        }

        return options;
    }

    /// <summary>Installs this scheduler for the parallel loops started on the calling thread until <see cref="Exit"/>.</summary>
    public void Enter() => t_current = this;

    /// <summary>Ends <see cref="Enter"/>.</summary>
    public static void Exit() => t_current = null;

    /// <summary>Stops the threads once the queued work is done.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    /// <inheritdoc/>
    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <inheritdoc/>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        ReferenceEquals(t_worker, this) && TryExecuteTask(task);

    /// <inheritdoc/>
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    [ThreadStatic]
    private static BackgroundScheduler? t_worker;

    private void Work()
    {
        t_worker = this;
        BackgroundPriority.LowerCurrentThread();
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
