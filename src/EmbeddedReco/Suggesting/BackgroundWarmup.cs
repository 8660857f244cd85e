using System;
using System.Collections.Generic;
using System.Threading;
using EmbeddedReco.Background;
using EmbeddedReco.Catalog;
using EmbeddedReco.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EmbeddedReco.Suggesting;

/// <summary>
/// <see cref="RecoEngineOptions.WarmupInBackground"/>: when a catalog is published (open, <c>UpsertItems</c>, a snapshot load),
/// compiles the Suggest path on a lowered thread of its own by running <see cref="Suggester.Warmup"/> there, so that the host's
/// first <c>Suggest</c> does not pay the JIT. Compiled code is shared by the whole process, so each scan path (float32; int8 for
/// catalogs of <see cref="QuantizedRows.MinRows"/> items or more) is warmed once per process, whatever the number of engines. Host
/// scorers are weighted 0 in its calls, so they are never called on a thread the host did not choose.
/// </summary>
internal sealed class BackgroundWarmup
{
    /// <summary>The warm-up thread's name.</summary>
    public const string ThreadName = "EmbeddedReco warm-up";

    private const int Float32Path = 1;
    private const int Int8Path = 2;

    private static int s_warmedPaths; // process-wide: the paths whose code is compiled (bits)
    private static int s_running; // process-wide: one warm-up thread at a time
    private static int s_started; // process-wide: warm-up threads started (tests)

    private readonly Suggester _suggester;
    private readonly SuggestOptions _options;
    private readonly ILogger _logger;
    private readonly Func<bool> _isOpen;
    private readonly bool _enabled;

    public BackgroundWarmup(Suggester suggester, IReadOnlyDictionary<string, double>? pluginsOff, bool enabled, ILogger logger, Func<bool> isOpen)
    {
        _suggester = suggester;
        _options = new SuggestOptions { Seed = 0, MarkShown = false, ScorerWeights = pluginsOff };
        _enabled = enabled;
        _logger = logger;
        _isOpen = isOpen;
    }

    /// <summary>Completes when the latest warm-up thread this process started has ended (tests and benchmarks).</summary>
    internal static ManualResetEventSlim Idle { get; } = new ManualResetEventSlim(true);

    /// <summary>How long the latest completed warm-up ran, in milliseconds (benchmarks).</summary>
    internal static double LastMilliseconds { get; private set; }

    /// <summary>Warm-up threads started in this process (tests).</summary>
    internal static int Started => Volatile.Read(ref s_started);

    /// <summary>Forgets which paths were warmed, so the next request starts a warm-up again (tests of the warm-up itself).</summary>
    internal static void ForgetWarmedPaths()
    {
        Idle.Wait();
        Volatile.Write(ref s_warmedPaths, 0);
    }

    /// <summary>Starts a warm-up of <paramref name="catalog"/>'s scan path unless it is compiled already or one is running.</summary>
    public void Request(CatalogSnapshot catalog)
    {
        if (!_enabled || catalog.Count == 0)
        {
            return;
        }

        int path = catalog.Quantized is null ? Float32Path : Int8Path;
        if ((Volatile.Read(ref s_warmedPaths) & path) != 0 || Interlocked.CompareExchange(ref s_running, 1, 0) != 0)
        {
            return;
        }

        Idle.Reset();
        Interlocked.Increment(ref s_started);
        try
        {
            new Thread(() => Run(path)) { IsBackground = true, Name = ThreadName }.Start();
        }
        catch (OutOfMemoryException)
        {
            Finish(); // no thread: the first Suggest compiles as without the warm-up
        }
    }

    private void Run(int path)
    {
        try
        {
            BackgroundPriority.LowerCurrentThread();
            if (_isOpen())
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                _suggester.Warmup(_options, _isOpen);
                LastMilliseconds = (System.Diagnostics.Stopwatch.GetTimestamp() - start) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
                int seen;
                do
                {
                    seen = Volatile.Read(ref s_warmedPaths);
                }
                while (Interlocked.CompareExchange(ref s_warmedPaths, seen | path, seen) != seen);
            }
        }
        catch (Exception ex)
        {
            // Never fatal: the first Suggest then compiles what it needs, as without the warm-up.
            Log.WarmupFailed(_logger, ex);
        }
        finally
        {
            Finish();
        }
    }

    private static void Finish()
    {
        Volatile.Write(ref s_running, 0);
        Idle.Set();
    }
}
