using System.Diagnostics;

namespace EmbeddedReco.Demo;

/// <summary>
/// `snapshot save FILE [--db PATH] [--profiles] [--lz4]` writes a MessagePack snapshot of the demo database;
/// `snapshot load FILE [--db PATH]` replaces the database's catalog (and profiles, when the file has them) with a snapshot.
/// </summary>
internal static class SnapshotCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 2 || (args[0] != "save" && args[0] != "load"))
        {
            throw new ArgumentException("usage: snapshot save FILE [--db PATH] [--profiles] [--lz4] | snapshot load FILE [--db PATH]");
        }

        string file = args[1];
        string db = DemoPaths.Option(args, "--db") ?? DemoPaths.DefaultDatabase;
        if (!File.Exists(db))
        {
            throw new ArgumentException($"no database at {db}: run the walkthrough first (dotnet run --project samples/EmbeddedReco.Demo)");
        }

        GameCatalog.Generate(count: 360, seed: 42); // titles for display
        using var engine = RecoEngine.Open(new RecoEngineOptions { DatabasePath = db, Dimensions = GameCatalog.Dimensions });
        var sw = Stopwatch.StartNew();
        if (args[0] == "save")
        {
            var options = new SnapshotOptions
            {
                IncludeProfiles = DemoPaths.Flag(args, "--profiles"),
                Compression = DemoPaths.Flag(args, "--lz4") ? SnapshotCompression.Lz4 : SnapshotCompression.None,
            };
            engine.SaveSnapshot(file, options);
            Console.WriteLine($"saved {engine.ItemCount} items{(options.IncludeProfiles ? $" and {engine.UserCount} profiles" : string.Empty)} to {file} ({new FileInfo(file).Length:N0} bytes, {options.Compression}) in {sw.Elapsed.TotalMilliseconds:0} ms");
        }
        else
        {
            engine.LoadSnapshot(file);
            engine.Flush();
            Console.WriteLine($"loaded {file} into {db} in {sw.Elapsed.TotalMilliseconds:0} ms: {engine.ItemCount} items, {engine.UserCount} profiles");
            foreach (var s in engine.Suggest("player-1", 3))
            {
                Console.WriteLine($"  player-1: {GameCatalog.Title(s.ItemId)} ({s.ItemId}) {s.Source}");
            }
        }

        return 0;
    }
}
