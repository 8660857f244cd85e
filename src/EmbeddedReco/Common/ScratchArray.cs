using System;

namespace EmbeddedReco.Common;

/// <summary>Growth rule of the per-thread scratch buffers: grow to at least the length asked for (doubling, with slack), never shrink.</summary>
internal static class ScratchArray
{
    /// <summary>Replaces <paramref name="array"/> by a larger one when it is shorter than <paramref name="length"/> (contents are not kept).</summary>
    public static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, Math.Min(array.Length * 2, length + 1024))];
        }
    }
}
