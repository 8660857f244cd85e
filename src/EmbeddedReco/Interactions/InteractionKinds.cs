using System;

namespace EmbeddedReco;

/// <summary>Facts about <see cref="InteractionKind"/> derived from the enum itself, so a new kind needs no other change.</summary>
internal static class InteractionKinds
{
    /// <summary>One more than the highest defined kind: the length of a table indexed by <c>(int)kind</c>.</summary>
    public static readonly int Count = ComputeCount();

    private static int ComputeCount()
    {
        int max = -1;
#if NET
        foreach (InteractionKind kind in Enum.GetValues<InteractionKind>())
#else
        foreach (InteractionKind kind in Enum.GetValues(typeof(InteractionKind)))
#endif
        {
            max = Math.Max(max, (int)kind);
        }

        return max + 1;
    }
}
