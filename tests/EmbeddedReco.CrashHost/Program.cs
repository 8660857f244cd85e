using System;
using System.Globalization;
using EmbeddedReco;

// Usage: EmbeddedReco.CrashHost kernels             -> checks the SIMD kernels against the scalar reference (run it with
//                                                     DOTNET_EnableHWIntrinsic=0 to test the fallback paths); prints "kernels ok"
//        EmbeddedReco.CrashHost <database path> <dimensions>
// Creates 50 items, then records interactions forever in batches; after each Flush it prints "ack <n>" where n is the number of
// interactions recorded before that Flush. The test kills this process at a random moment and checks every acknowledged write.
//        EmbeddedReco.CrashHost crash <mode> <database path> <seed> <run>
// The workloads of the crash campaign (tests/EmbeddedReco.CrashCampaign): see CrashWorkloads and CrashProtocol.
//        EmbeddedReco.CrashHost lag <database path> <records per second> <players>
// Records at a fixed rate without Flush, for the campaign's commit-lag measurement (LagWorkload).
if (args[0] == "kernels")
{
    return KernelCheck.Run();
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
