using EmbeddedReco.Demo;

// EmbeddedReco console demo. With no arguments it runs the walk-through (see Walkthrough.cs).
// Commands: `walkthrough [--db PATH]` (default).
try
{
    string command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "walkthrough";
    string[] rest = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[1..] : args;
    return command switch
    {
        "walkthrough" => Walkthrough.Run(rest),
        "help" or "-h" or "--help" => Usage(),
        _ => Usage($"unknown command '{command}'"),
    };
}
catch (Exception ex) when (ex is ArgumentException || ex is EmbeddedReco.RecoException || ex is IOException)
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
    return error is null ? 0 : 2;
}
