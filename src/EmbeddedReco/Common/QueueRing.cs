using System.Collections.Concurrent;

namespace EmbeddedReco.Common;

/// <summary>Pre-growth of a <see cref="ConcurrentQueue{T}"/> that a game thread enqueues into.</summary>
internal static class QueueRing
{
    /// <summary>
    /// Grows the queue's ring to hold <paramref name="slots"/> items (a <see cref="ConcurrentQueue{T}"/> grows by doubling its tail
    /// segment and keeps the last one once drained), so that enqueues within that many do not allocate on the producer's thread.
    /// Call it on an empty queue no other thread uses yet.
    /// </summary>
    public static void Grow<T>(ConcurrentQueue<T> queue, int slots)
    {
        for (int i = 0; i < slots; i++)
        {
            queue.Enqueue(default!);
        }

        while (queue.TryDequeue(out _))
        {
        }
    }
}
