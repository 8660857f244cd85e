namespace EmbeddedReco.GameLoop;

/// <summary>
/// Frames over the frame budget, split by cause: the engine (the summed durations of the frame's Suggest and Record calls exceed
/// the budget on their own, or the frame would have fit without them) or the simulation (the frame minus the engine time is over
/// the budget on its own). Plain counters, updated without allocating.
/// </summary>
internal sealed class FrameBudget
{
    /// <summary>Frames over budget because of the engine whose longest call is kept for the report (the first ones).</summary>
    private const int KeptEngineFrames = 4;

    private readonly EngineFrame[] _engineFrames = new EngineFrame[KeptEngineFrames];

    /// <summary>Creates the counters for a budget of <paramref name="budgetMs"/> per frame.</summary>
    /// <param name="budgetMs">The frame budget in ms (16.7 ms at 60 ticks per second).</param>
    public FrameBudget(double budgetMs)
    {
        BudgetMs = budgetMs;
    }

    /// <summary>The frame budget in ms.</summary>
    public double BudgetMs { get; }

    /// <summary>Frames measured.</summary>
    public long Frames { get; private set; }

    /// <summary>Frames whose total time exceeded the budget.</summary>
    public long OverBudget { get; private set; }

    /// <summary>
    /// Frames over budget because of the engine: engine time alone over the budget, or the frame over the budget while the frame
    /// without the engine time fits. The issue's target is 0.
    /// </summary>
    public long OverBecauseOfEngine { get; private set; }

    /// <summary>Frames over budget because of the simulation: the frame's time minus its engine time is over the budget.</summary>
    public long OverBecauseOfSimulation { get; private set; }

    /// <summary>Frames counted in both: engine time and simulation time each over the budget on their own.</summary>
    public long OverBecauseOfBoth { get; private set; }

    /// <summary>The slowest frame's total time in ms.</summary>
    public double WorstFrameMs { get; private set; }

    /// <summary>The engine's share of the slowest frame, in ms.</summary>
    public double WorstFrameEngineMs { get; private set; }

    /// <summary>The slowest frame's tick number.</summary>
    public long WorstFrameTick { get; private set; }

    /// <summary>Counts one frame.</summary>
    /// <param name="tick">The frame's tick number.</param>
    /// <param name="frameTicks">The frame's whole duration in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    /// <param name="engineTicks">The summed durations of the frame's engine calls, in the same ticks.</param>
    /// <param name="longestCall">The frame's longest engine call ("Suggest" or "Record"), or null when it made none.</param>
    /// <param name="longestCallTicks">That call's duration, in the same ticks.</param>
    /// <param name="longestCallGc">Whether a garbage collection ran during that call.</param>
    public void Add(long tick, long frameTicks, long engineTicks, string? longestCall = null, long longestCallTicks = 0, bool longestCallGc = false)
    {
        double frameMs = LatencyRecorder.Ms(frameTicks);
        double engineMs = LatencyRecorder.Ms(engineTicks);
        double simulationMs = frameMs - engineMs;
        Frames++;
        if (frameMs > WorstFrameMs)
        {
            WorstFrameMs = frameMs;
            WorstFrameEngineMs = engineMs;
            WorstFrameTick = tick;
        }

        if (frameMs <= BudgetMs && engineMs <= BudgetMs)
        {
            return;
        }

        OverBudget += frameMs > BudgetMs ? 1 : 0;
        bool engine = engineMs > BudgetMs || (frameMs > BudgetMs && simulationMs <= BudgetMs);
        bool simulation = simulationMs > BudgetMs;
        if (engine && OverBecauseOfEngine < KeptEngineFrames)
        {
            _engineFrames[OverBecauseOfEngine] = new EngineFrame(tick, frameMs, engineMs, longestCall, LatencyRecorder.Ms(longestCallTicks), longestCallGc);
        }

        OverBecauseOfEngine += engine ? 1 : 0;
        OverBecauseOfSimulation += simulation ? 1 : 0;
        OverBecauseOfBoth += engine && simulation ? 1 : 0;
    }

    /// <summary>
    /// The report lines: the split of the frames over budget with the engine target (met or not met), the first frames over budget
    /// because of the engine with their longest call, and the worst frame.
    /// </summary>
    /// <param name="ticksPerSecond">Loop ticks per simulated second (to print the frames' simulated time).</param>
    public string[] Report(int ticksPerSecond)
    {
        var lines = new List<string>
        {
            $"Frames over the {BudgetMs:0.0} ms budget: {OverBudget} of {Frames}; because of the engine: {OverBecauseOfEngine} "
                + $"(target 0: {(OverBecauseOfEngine == 0 ? "met" : "not met")}), because of the simulation: {OverBecauseOfSimulation}"
                + (OverBecauseOfBoth == 0 ? "" : $" ({OverBecauseOfBoth} counted in both: engine and simulation time each over the budget alone)"),
        };
        for (int i = 0; i < Math.Min(OverBecauseOfEngine, KeptEngineFrames); i++)
        {
            var f = _engineFrames[i];
            lines.Add($"  because of the engine: tick {f.Tick} (t={f.Tick / (double)ticksPerSecond:0.0} s), frame {f.FrameMs:0.00} ms, engine {f.EngineMs:0.00} ms, "
                + $"longest call {f.LongestCall ?? "none"} {f.LongestCallMs:0.00} ms{(f.LongestCallGc ? " (a garbage collection ran during it)" : "")}");
        }

        lines.Add($"Worst frame: {WorstFrameMs:0.00} ms, of which engine {WorstFrameEngineMs:0.00} ms, simulation {WorstFrameMs - WorstFrameEngineMs:0.00} ms "
            + $"(tick {WorstFrameTick}, t={WorstFrameTick / (double)ticksPerSecond:0.0} s)");
        return lines.ToArray();
    }

    /// <summary>A frame over budget because of the engine, with its longest engine call.</summary>
    private readonly record struct EngineFrame(long Tick, double FrameMs, double EngineMs, string? LongestCall, double LongestCallMs, bool LongestCallGc);
}
