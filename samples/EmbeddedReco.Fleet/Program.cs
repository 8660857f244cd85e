// EmbeddedReco fleet sample: simulated devices export events, the trainer builds and signs a model, devices load it.
//   [simulate] [--devices 40] [--rounds 5] [--visits 12] [--newcomers 20] [--seed 42] [--hidden-taste 0.5] [--popularity fleet|local]
// The trainer's own command line is src/EmbeddedReco.Cli (`reco train`, `keygen`, `synth`, `eval-export`).
using EmbeddedReco.FleetSample;

return args.Length > 0 && args[0] != "simulate" && !args[0].StartsWith("--", StringComparison.Ordinal)
    ? Usage()
    : FleetSimulation.Run(args.Length > 0 && args[0] == "simulate" ? args[1..] : args);

static int Usage()
{
    Console.Error.WriteLine("usage: [simulate] [--devices 40] [--rounds 5] [--visits 12] [--newcomers 20] [--seed 42] [--hidden-taste 0.5] [--popularity fleet|local]");
    Console.Error.WriteLine("The trainer's commands (train, keygen, synth, eval-export) moved to src/EmbeddedReco.Cli: dotnet run --project src/EmbeddedReco.Cli -- help");
    return 2;
}
