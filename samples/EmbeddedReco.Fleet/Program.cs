// EmbeddedReco fleet sample and trainer command line.
//   simulate [--devices 24] [--rounds 5] [--visits 12] [--seed 42]      the fleet simulation (default)
//   train --events DIR --items FILE --out FILE [--sign-key PEM] [--algorithm auto|ease|knn] [--weighting binary|engagement]
//         [--lambda 200] [--neighbours 100] [--shards 32] [--workers 0] [--neighbour-lists DIR [--popularity DIR]]
//   keygen --out PREFIX [--bits 3072]                                   writes PREFIX.private.pem and PREFIX.public.pem
//   synth --out DIR [--events 10000000] [--items 5000] [--users 100000] [--files 200] [--seed 42]
//   eval-export --ratings ratings.csv                                    EASE through export files vs eval's EASE (NDCG@10)
using EmbeddedReco.FleetSample;

return args.Length == 0 ? FleetSimulation.Run(args) : args[0] switch
{
    "simulate" => FleetSimulation.Run(args[1..]),
    "train" => TrainerCommands.Train(args[1..]),
    "keygen" => TrainerCommands.KeyGen(args[1..]),
    "synth" => TrainerCommands.Synth(args[1..]),
    "eval-export" => TrainerCommands.EvalExport(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: simulate | train | keygen | synth | eval-export (see the comment at the top of Program.cs and README.md)");
    return 2;
}
