using EmbeddedReco.Demo;

// EmbeddedReco console demo. With no arguments it runs the walk-through (see Walkthrough.cs).
// Commands: `walkthrough [--db PATH]` (default), `plugins [--plugins DIR]`, `eval ...` (offline evaluation), `snapshot save|load FILE`.
try
{
    string command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "walkthrough";
    string[] rest = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[1..] : args;
    return command switch
    {
        "walkthrough" => Walkthrough.Run(rest),
        "plugins" => PluginsDemo.Run(rest),
        "eval" => EvalCommand.Run(rest),
        "snapshot" => SnapshotCommand.Run(rest),
        "help" or "-h" or "--help" => Usage(),
        _ => Usage($"unknown command '{command}'"),
    };
}
catch (Exception ex) when (ex is ArgumentException || ex is EmbeddedReco.RecoException || ex is IOException || ex is FormatException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

static int Usage(string? error = null)
{
    if (error is not null)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    Console.WriteLine("usage: dotnet run --project samples/EmbeddedReco.Demo -- [command] [options]");
    Console.WriteLine("  walkthrough [--db PATH]   (default) build a demo database, play a scripted player, reopen it");
    Console.WriteLine("  plugins [--plugins DIR]   load the scorer plugins from artifacts/plugins and show their effect and breakdown");
    Console.WriteLine("  eval --ratings FILE [--items movies.csv] [--split stratified:0.75|leave-last-out] [--seed 42] [--k 10] [--json]");
    Console.WriteLine("  eval --train FILE --test FILE [--items movies.csv] [--k 10] [--json]");
    Console.WriteLine("                            offline evaluation: MostPopular, Random, EASE, engine content-only and hybrid");
    Console.WriteLine("  snapshot save FILE [--db PATH] [--profiles] [--lz4]   write a MessagePack snapshot of the demo database");
    Console.WriteLine("  snapshot load FILE [--db PATH]                        replace the database's catalog (and profiles) with a snapshot");
    return error is null ? 0 : 2;
}
