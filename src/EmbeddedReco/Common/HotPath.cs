using System.Runtime.CompilerServices;

namespace EmbeddedReco.Common;

/// <summary>
/// <c>MethodImplOptions.AggressiveOptimization</c> (512) for both targets: netstandard2.1 lacks the name, but a .NET runtime that
/// loads the netstandard build honours the flag, and Mono ignores it. On the hot paths (kernels, blend, top-N) it makes the
/// first call run fully optimized code instead of the unoptimized first tier (the first-Suggest hitch, docs/PERFORMANCE.md).
/// </summary>
internal static class HotPath
{
    /// <summary>Compile fully optimized at the first call (no tiering).</summary>
    public const MethodImplOptions Optimize = (MethodImplOptions)512;
}
