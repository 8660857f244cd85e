using System.Collections.Concurrent;
using EmbeddedReco.Background;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Background;

/// <summary>Training runs on the engine's own threads, lowered below the game's, and uses at most the configured number of them.</summary>
[Collection(SerialCollection.Name)] // counts the process's background workers: no other test may train meanwhile
public class BackgroundWorkTests
{
    [Fact]
    public void LowerCurrentThread_OnItsOwnThread_LowersThatThreadOnly()
    {
        int before = ThreadNice();
        int lowered = int.MinValue;
        var priority = ThreadPriority.Normal;
        var thread = new Thread(() =>
        {
            BackgroundPriority.LowerCurrentThread();
            lowered = ThreadNice();
            priority = Thread.CurrentThread.Priority;
        });
        thread.Start();
        thread.Join();

        Assert.Equal(before, ThreadNice());
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(BackgroundPriority.Nice, lowered);
        }
        else
        {
            Assert.Equal(ThreadPriority.BelowNormal, priority);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Train_Workers_AreLoweredEngineThreadsAndProgressComesFromTheWaitingThread(bool async)
    {
        using var engine = TrainingEngine(workers: 2);
        var seen = new WorkerLog();
        if (async)
        {
            await engine.TrainAsync(progress: seen);
        }
        else
        {
            engine.Train(seen);
        }

        Assert.NotEmpty(seen.Reports);
        Assert.All(seen.Reports, r => Assert.False(r.LoweredCaller, "host code (a progress report) ran on a lowered thread"));
        if (OperatingSystem.IsLinux())
        {
            var workers = seen.Reports.SelectMany(r => r.Workers).ToList();
            Assert.NotEmpty(workers);
            Assert.All(workers, w => Assert.Equal(BackgroundPriority.Nice, w.Nice));
            Assert.InRange(seen.Reports.Max(r => r.Workers.Count), 1, 2);
        }
    }

    [Fact]
    public void Train_MaxDegreeOfParallelismOne_UsesOneWorker()
    {
        using var engine = TrainingEngine(workers: 1);
        var seen = new WorkerLog();

        engine.Train(seen);

        Assert.NotEmpty(seen.Reports);
        if (OperatingSystem.IsLinux())
        {
            Assert.All(seen.Reports, r => Assert.Single(r.Workers));
        }
    }

    [Fact]
    public void MaxDegreeOfParallelism_Default_LeavesOneProcessorToTheGame()
    {
        var options = new CollaborativeOptions();

        Assert.Equal(0, options.MaxDegreeOfParallelism);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), options.Workers);
    }

    [Fact]
    public async Task TrainAsync_Cancelled_ThrowsAndKeepsTheServedModel()
    {
        using var engine = TrainingEngine(workers: 1);
        engine.Train();
        var served = engine.LastTraining;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.TrainAsync(cancelled.Token));

        Assert.Same(served, engine.LastTraining);
    }

    /// <summary>200 items, 120 players with 12 likes each: enough for EASE to run its parallel loops.</summary>
    private static RecoEngine TrainingEngine(int workers)
    {
        var options = TestCatalog.Options(dimensions: 8);
        options.Collaborative.MinItemSupport = 1;
        options.Collaborative.MaxDegreeOfParallelism = workers;
        var engine = RecoEngine.Open(options);
        engine.UpsertItems(TestCatalog.Random(200, 8, seed: 5));
        var rng = new Random(5);
        for (int u = 0; u < 120; u++)
        {
            for (int k = 0; k < 12; k++)
            {
                engine.Record(new Interaction($"p{u}", $"item-{rng.Next(200):D4}", InteractionKind.Like));
            }
        }

        return engine;
    }

    /// <summary>The nice value of the calling thread (Linux; 0 elsewhere).</summary>
    private static int ThreadNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        string stat = File.ReadAllText("/proc/thread-self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The engine's background workers alive now (Linux: from /proc), with their nice values.</summary>
    private static List<(int Tid, int Nice)> BackgroundWorkers()
    {
        var found = new List<(int, int)>();
        if (!OperatingSystem.IsLinux())
        {
            return found;
        }

        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == BackgroundScheduler.ThreadName[..15])
                {
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    int nice = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
                    found.Add((int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture), nice));
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return found;
    }

    private sealed record Sample(bool LoweredCaller, List<(int Tid, int Nice)> Workers);

    /// <summary>Records, at each progress report, whether the reporting thread is lowered and which workers are alive.</summary>
    private sealed class WorkerLog : IProgress<double>
    {
        public ConcurrentQueue<Sample> Reports { get; } = new();

        public void Report(double value) =>
            Reports.Enqueue(new Sample(OperatingSystem.IsLinux() ? ThreadNice() == BackgroundPriority.Nice : Thread.CurrentThread.Priority == ThreadPriority.BelowNormal, BackgroundWorkers()));
    }
}
