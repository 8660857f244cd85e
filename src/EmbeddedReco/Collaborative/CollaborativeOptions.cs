using System;

namespace EmbeddedReco;

/// <summary>Which item-item model the collaborative trainer builds.</summary>
public enum CollaborativeAlgorithm
{
    /// <summary>EASE when the number of eligible items is at most <see cref="CollaborativeOptions.MaxEaseItems"/>, item-kNN above it.</summary>
    Auto = 0,

    /// <summary>EASE (Steck 2019): closed-form item-item weights from a dense inverse. Memory and time grow with items squared / cubed.</summary>
    Ease = 1,

    /// <summary>Sparse item-kNN: cosine similarity, the top <see cref="CollaborativeOptions.Neighbours"/> neighbours per item.</summary>
    ItemKnn = 2,
}

/// <summary>
/// Settings of the collaborative (item-item) model. The defaults suit catalogs of hundreds to tens of thousands of items
/// and were chosen on MovieLens with a held-out split (see docs/QUALITY.md), not tuned to one file.
/// </summary>
public sealed class CollaborativeOptions
{
    /// <summary>Which model to build. Default <see cref="CollaborativeAlgorithm.Auto"/>.</summary>
    public CollaborativeAlgorithm Algorithm { get; set; } = CollaborativeAlgorithm.Auto;

    /// <summary>
    /// EASE L2 regularisation λ added to the diagonal of the item-item Gram matrix. Larger values shrink weights towards zero and
    /// favour popular items less; it scales with the number of users. Default 200 (Steck used 200-1000 on data sets with 10^4-10^5
    /// users; on MovieLens latest-small, 100-300 were within 1% of each other, 50 and 600 about 2% worse). Must be positive.
    /// </summary>
    public double EaseLambda { get; set; } = 200;

    /// <summary>
    /// Largest number of items for which <see cref="CollaborativeAlgorithm.Auto"/> chooses EASE. EASE keeps a dense float matrix of
    /// items² (5,000 items = 100 MB while training and in the model) and its training time grows with items³: measured here,
    /// the dense inverse took 9.7 s of CPU at 6,000 items, so about 5.6 s at 5,000 by cubic scaling (about 5 s and 3 s of wall time on two
    /// free cores). Default 5,000, which keeps training on 100k interactions well inside 10 s. Must be at least 1.
    /// </summary>
    public int MaxEaseItems { get; set; } = 5000;

    /// <summary>
    /// Items with fewer distinct users than this are left out of the model (they get no collaborative score and are reached
    /// through content similarity, popularity and exploration). Items seen by one or two users carry almost no co-occurrence
    /// signal: the default 3 removes about half of MovieLens latest-small's items with no measurable loss of NDCG, and halves
    /// the EASE training time. Must be at least 1.
    /// </summary>
    public int MinItemSupport { get; set; } = 3;

    /// <summary>Item-kNN: neighbours kept per item. Default 100. Must be at least 1.</summary>
    public int Neighbours { get; set; } = 100;

    /// <summary>
    /// Item-kNN: shrinkage added to the cosine denominator, sim = dot / (|a||b| + shrink), damping similarities resting on few
    /// common users. Default 10. Must be zero or more.
    /// </summary>
    public double Shrink { get; set; } = 10;

    /// <summary>
    /// Threads training may use (set 1 on a phone). 0 (the default) means all processors but one, at least one: a core stays the
    /// game's. The threads are the engine's own, lowered below the game's threads (a nice value of 10 on Linux and Android,
    /// <see cref="System.Threading.ThreadPriority.BelowNormal"/> elsewhere), so training yields whenever the game needs the cores.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; }

    /// <summary>Returns a copy, so training is not affected by later changes.</summary>
    /// <returns>A copy of these options.</returns>
    public CollaborativeOptions Clone() => (CollaborativeOptions)MemberwiseClone();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(typeof(CollaborativeAlgorithm), Algorithm))
        {
            throw new ArgumentException($"CollaborativeOptions.Algorithm has an unknown value {(int)Algorithm}.", nameof(Algorithm));
        }

        if (!(EaseLambda > 0) || double.IsInfinity(EaseLambda))
        {
            throw new ArgumentException($"CollaborativeOptions.EaseLambda must be a positive finite number, not {EaseLambda}.", nameof(EaseLambda));
        }

        if (MaxEaseItems < 1)
        {
            throw new ArgumentException($"CollaborativeOptions.MaxEaseItems must be at least 1, not {MaxEaseItems}.", nameof(MaxEaseItems));
        }

        if (MinItemSupport < 1)
        {
            throw new ArgumentException($"CollaborativeOptions.MinItemSupport must be at least 1, not {MinItemSupport}.", nameof(MinItemSupport));
        }

        if (Neighbours < 1)
        {
            throw new ArgumentException($"CollaborativeOptions.Neighbours must be at least 1, not {Neighbours}.", nameof(Neighbours));
        }

        if (!(Shrink >= 0) || double.IsInfinity(Shrink))
        {
            throw new ArgumentException($"CollaborativeOptions.Shrink must be a finite number of zero or more, not {Shrink}.", nameof(Shrink));
        }

        if (MaxDegreeOfParallelism < 0)
        {
            throw new ArgumentException(
                $"CollaborativeOptions.MaxDegreeOfParallelism must be zero (all processors) or more, not {MaxDegreeOfParallelism}.",
                nameof(MaxDegreeOfParallelism));
        }
    }

    internal int Workers => MaxDegreeOfParallelism == 0 ? Math.Max(1, Environment.ProcessorCount - 1) : MaxDegreeOfParallelism;
}
