using System;

namespace EmbeddedReco;

/// <summary>What <see cref="RecoEngine.Train"/> produced.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(CollaborativeAlgorithm algorithm, int modelItems, int users, int interactions, TimeSpan duration, DateTimeOffset trainedAt)
    {
        Algorithm = algorithm;
        ModelItems = modelItems;
        Users = users;
        Interactions = interactions;
        Duration = duration;
        TrainedAt = trainedAt;
    }

    /// <summary>The algorithm used: <see cref="CollaborativeAlgorithm.Ease"/> or <see cref="CollaborativeAlgorithm.ItemKnn"/>.</summary>
    public CollaborativeAlgorithm Algorithm { get; }

    /// <summary>Items in the model (those with at least <see cref="CollaborativeOptions.MinItemSupport"/> players).</summary>
    public int ModelItems { get; }

    /// <summary>Players whose history was used.</summary>
    public int Users { get; }

    /// <summary>(player, item) pairs with positive decayed engagement that were used.</summary>
    public int Interactions { get; }

    /// <summary>Wall-clock training time.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The engine clock's time when training started; history weights are decayed to it.</summary>
    public DateTimeOffset TrainedAt { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Algorithm}: {ModelItems} items, {Users} users, {Interactions} interactions, {Duration.TotalSeconds:0.00} s";
}
