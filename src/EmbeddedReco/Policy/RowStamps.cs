using System;
using EmbeddedReco.Common;

namespace EmbeddedReco.Policy;

/// <summary>
/// A mark per catalog row that needs no clearing between calls: each marking takes a stamp never handed out before
/// (<see cref="Next"/>) and a row is marked when <see cref="Marks"/> holds that stamp. The array is cleared only when the stamps
/// wrap around. Per thread, inside <see cref="PolicyScratch"/>.
/// </summary>
internal sealed class RowStamps
{
    private int _issued; // stamps handed out so far; never goes back, so no earlier marking can match a new stamp

    /// <summary>One entry per catalog row (sized by <see cref="Grow"/>).</summary>
    public int[] Marks = Array.Empty<int>();

    /// <summary>Makes room for <paramref name="rows"/> rows (a new array holds no stamp).</summary>
    public void Grow(int rows) => ScratchArray.Grow(ref Marks, rows);

    /// <summary>Starts a new marking: a stamp no row holds yet.</summary>
    public int Next()
    {
        if (_issued == int.MaxValue)
        {
            Array.Clear(Marks, 0, Marks.Length);
            _issued = 0;
        }

        return ++_issued;
    }
}
