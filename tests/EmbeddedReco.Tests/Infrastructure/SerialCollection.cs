namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>
/// Tests that measure the engine's writer thread keeping up (allocation-free Record needs the write ring not to grow, which it does
/// when the writer is starved of CPU by hundreds of parallel test cases on a 2-core machine) run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    /// <summary>The collection's name, for <c>[Collection(SerialCollection.Name)]</c>.</summary>
    public const string Name = "Serial (no parallel tests)";
}
