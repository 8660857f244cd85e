using BenchmarkDotNet.Running;
using EmbeddedReco.Benchmarks;

if (args.Length > 0 && args[0] == "firstcall")
{
    return FirstCall.RunParent(args[1..]);
}

if (args.Length > 0 && args[0] == "firstcall-child")
{
    return FirstCall.RunChild(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
