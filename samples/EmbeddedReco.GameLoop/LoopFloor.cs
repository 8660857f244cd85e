using System.Runtime.CompilerServices;

namespace EmbeddedReco.GameLoop;

/// <summary>
/// The control for Record's tail: the least a Record could do (read the clock the engine reads by default and write the
/// interaction's fields, about 40 bytes, into a preallocated ring), timed the same way just before every Record. Its p99/p50 is
/// what this loop gives any call: the first call of a frame finds the caches cold after the pause between frames, and those
/// calls are about 5 % of all, so they set the p99 of every call, however little the call does. No engine code runs here.
/// </summary>
internal sealed class LoopFloor
{
    private const int Slots = 1 << 16;
    private readonly Slot[] _ring = new Slot[Slots];

    /// <summary>Writes made (all of them land in the ring, oldest overwritten).</summary>
    public long Writes { get; private set; }

    /// <summary>Reads the clock and writes the interaction into the next slot; not inlined, so it is a call like Record.</summary>
    /// <param name="interaction">What the Record after it records.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Write(in Interaction interaction)
    {
        long now = DateTimeOffset.UtcNow.UtcTicks;
        ref Slot slot = ref _ring[(int)(Writes & (Slots - 1))];
        slot.UserId = interaction.UserId;
        slot.ItemId = interaction.ItemId;
        slot.Kind = interaction.Kind;
        slot.Value = interaction.Value;
        slot.Ticks = now;
        Writes++;
    }

    private struct Slot
    {
        public string UserId;
        public string ItemId;
        public InteractionKind Kind;
        public double Value;
        public long Ticks;
    }
}
