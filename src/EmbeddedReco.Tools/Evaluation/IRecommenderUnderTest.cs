using System.Collections.Generic;
using System.Threading;

namespace EmbeddedReco.Evaluation;

/// <summary>
/// A recommender evaluated offline by <see cref="OfflineEvaluator"/>: trained once on the training set, then asked for each
/// test user's top items. Implement it to evaluate any model (an engine configuration, a plugin scorer, ...).
/// Calls are made from one thread.
/// </summary>
public interface IRecommenderUnderTest
{
    /// <summary>A short name shown in the report (e.g. "EASE", "MostPopular").</summary>
    string Name { get; }

    /// <summary>Prepares the recommender from the training data only.</summary>
    /// <param name="train">The training set.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    void Train(TrainingSet train, CancellationToken cancellationToken);

    /// <summary>
    /// The user's best items, best first, at most <paramref name="count"/>, excluding the user's training items
    /// (<see cref="TrainingSet.ItemsOf"/>). The evaluator drops training items and duplicates that slip through and truncates.
    /// </summary>
    /// <param name="userId">A user with held-out items (possibly unknown in training).</param>
    /// <param name="count">How many items to return (K).</param>
    /// <returns>Item ids, best first.</returns>
    IReadOnlyList<string> Recommend(string userId, int count);
}
