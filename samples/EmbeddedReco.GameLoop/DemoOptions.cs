using System.Globalization;

namespace EmbeddedReco.GameLoop;

/// <summary>Command-line options of the demo. Defaults run 240 simulated seconds at 4x real time: about a minute.</summary>
internal sealed class DemoOptions
{
    public int Players { get; private set; } = 300;

    public int Items { get; private set; } = 300;

    public int SimulatedSeconds { get; private set; } = 240;

    public int ShelfSize { get; private set; } = 10;

    public int Seed { get; private set; } = 7;

    /// <summary>
    /// How many times faster than real time the loop runs: the loop sleeps until each tick is due at this pace (a game's frames
    /// leave idle time in which the engine's writer commits). 0 = no pacing at all (a stress run: the records outrun any disk).
    /// </summary>
    public double Speed { get; private set; } = 4;

    public int BucketSeconds { get; private set; } = 10;

    public int CooldownSeconds { get; private set; } = 30;

    public string OutputFolder { get; private set; } = Path.Combine(Environment.CurrentDirectory, "gameloop-output");

    public string? DatabasePath { get; private set; }

    public const string Usage =
        "EmbeddedReco game-loop demo\n"
        + "  --players N     simulated players (default 300)\n"
        + "  --items N       catalog size (default 300)\n"
        + "  --seconds N     simulated seconds (default 240; 60 ticks each)\n"
        + "  --shelf N       items per shop shelf (default 10)\n"
        + "  --seed N        random seed (default 7)\n"
        + "  --bucket N      seconds per chart point (default 10)\n"
        + "  --cooldown N    simulated seconds an ignored item rests (PolicyOptions.CooldownPeriod; default 30)\n"
        + "  --speed X       run X times faster than real time (default 4: 240 ticks per wall-clock second, about 60 s)\n"
        + "  --realtime      the same as --speed 1 (60 ticks per wall-clock second)\n"
        + "  --flood         no pacing: as fast as the CPU goes (a stress run, about 40x real time: records outrun the disk)\n"
        + "  --out DIR       where the SVG chart and CSV go (default ./gameloop-output)\n"
        + "  --db FILE       LiteDB file (default: a fresh file in the user's local data folder)\n";

    public static DemoOptions Parse(string[] args)
    {
        var o = new DemoOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {a} needs a value.");
            int NextInt(int min)
            {
                string s = Next();
                if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
                {
                    throw new ArgumentException($"Option {a} needs an integer of at least {min}, not '{s}'.");
                }

                return v;
            }

            double NextSpeed()
            {
                string s = Next();
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || v > 1000)
                {
                    throw new ArgumentException($"Option {a} needs a number above 0 and at most 1000, not '{s}' (--flood runs unpaced).");
                }

                return v;
            }

            switch (a)
            {
                case "--players": o.Players = NextInt(3); break;
                case "--items": o.Items = NextInt(20); break;
                case "--seconds": o.SimulatedSeconds = NextInt(1); break;
                case "--shelf": o.ShelfSize = Math.Min(64, NextInt(1)); break;
                case "--seed": o.Seed = NextInt(0); break;
                case "--bucket": o.BucketSeconds = NextInt(1); break;
                case "--cooldown": o.CooldownSeconds = NextInt(0); break;
                case "--speed": o.Speed = NextSpeed(); break;
                case "--realtime": o.Speed = 1; break;
                case "--flood": o.Speed = 0; break;
                case "--out": o.OutputFolder = Next(); break;
                case "--db": o.DatabasePath = Next(); break;
                case "-h":
                case "--help":
                    Console.WriteLine(Usage);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option '{a}'.\n{Usage}");
            }
        }

        return o;
    }
}
