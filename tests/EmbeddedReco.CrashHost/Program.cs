using System;
using System.Globalization;
using EmbeddedReco;

// Usage: EmbeddedReco.CrashHost kernels             -> checks the SIMD kernels against the scalar reference (run it with
//                                                     DOTNET_EnableHWIntrinsic=0 to test the fallback paths); prints "kernels ok",
//                                                     then checks the int8 dispatcher bit for bit against its reference at dims
//                                                     1..256 and prints "int8 kernels ok (path at 64 dims: <path>)"
//        EmbeddedReco.CrashHost <database path> <dimensions>
// Creates 50 items, then records interactions forever in batches; after each Flush it prints "ack <n>" where n is the number of
// interactions recorded before that Flush. The test kills this process at a random moment and checks every acknowledged write.
//        EmbeddedReco.CrashHost crash <mode> <database path> <seed> <run>
// The workloads of the crash campaign (tests/EmbeddedReco.CrashCampaign): see CrashWorkloads and CrashProtocol.
//        EmbeddedReco.CrashHost lag <database path> <records per second> <players>
// Records at a fixed rate without Flush, for the campaign's commit-lag measurement (LagWorkload).
if (args[0] == "kernels")
{
    int kernels = KernelCheck.Run();
    return kernels != 0 ? kernels : Int8KernelCheck();
}

if (args[0] == "lag")
{
    return LagWorkload.Run(args);
}

if (args[0] == "crash")
{
    return EmbeddedReco.Crash.CrashWorkloads.Run(args);
}

string path = args[0];
int dims = int.Parse(args[1], CultureInfo.InvariantCulture);
using var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = path, Dimensions = dims });
var items = new ItemDefinition[50];
for (int i = 0; i < items.Length; i++)
{
    var v = new float[dims];
    v[i % dims] = 1;
    v[(i + 1) % dims] = 0.5f;
    items[i] = new ItemDefinition($"item-{i:D2}", v, new[] { $"t{i % 3}" });
}

engine.UpsertItems(items);
engine.Flush();
Console.WriteLine("ready");
long n = 0;
var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
while (true)
{
    for (int b = 0; b < 25; b++)
    {
        engine.Record(new Interaction($"user-{n % 7}", $"item-{n % 50:D2}", InteractionKind.Click, timestamp: start.AddSeconds(n)));
        n++;
    }

    engine.Flush();
    Console.WriteLine("ack " + n.ToString(CultureInfo.InvariantCulture));
}

// The int8 dispatcher (whatever path this process's hardware mode selects) against the long-accumulating reference, bit for bit.
static int Int8KernelCheck()
{
    var rng = new Random(4242);
    foreach (int rows in new[] { 1, 4, 13 })
    {
        for (int dims = 1; dims <= 256; dims++)
        {
            var codes = new sbyte[rows * dims];
            var scales = new float[rows];
            var query = new short[dims];
            int qmax = EmbeddedReco.Scoring.Int8Kernels.QueryCodeMax(dims);
            for (int i = 0; i < codes.Length; i++)
            {
                codes[i] = (sbyte)rng.Next(-127, 128);
            }

            for (int r = 0; r < rows; r++)
            {
                scales[r] = (float)rng.NextDouble();
            }

            for (int d = 0; d < dims; d++)
            {
                query[d] = (short)rng.Next(-qmax, qmax + 1);
            }

            float queryScale = (float)rng.NextDouble() * 1e-3f;
            var expected = new float[rows];
            var actual = new float[rows];
            EmbeddedReco.Scoring.Int8Kernels.DotRowsReference(codes, scales, dims, query, queryScale, expected);
            EmbeddedReco.Scoring.Int8Kernels.DotRows(codes, scales, dims, query, queryScale, actual);
            for (int r = 0; r < rows; r++)
            {
                if (BitConverter.SingleToInt32Bits(expected[r]) != BitConverter.SingleToInt32Bits(actual[r]))
                {
                    Console.WriteLine($"int8 kernels FAIL rows {rows} dims {dims} row {r}: {expected[r]:R} vs {actual[r]:R}");
                    return 1;
                }
            }
        }
    }

    Console.WriteLine($"int8 kernels ok (path at 64 dims: {EmbeddedReco.Scoring.Int8Kernels.SelectPath(64)})");
    return 0;
}
