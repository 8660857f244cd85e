using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// A trained, immutable item-item model: EASE weights (dense, items x items) or item-kNN neighbour lists (sparse).
/// A user is scored from their history (model item indices and engagement weights): score[j] = Σ_h w_h · S[h, j].
/// Thread-safe for concurrent scoring; the engine swaps whole models atomically.
/// </summary>
internal sealed class CollaborativeModel
{
    private readonly Dictionary<string, int> index;
    private readonly float[]? dense;
    private readonly int[]? neighbourStart;
    private readonly int[]? neighbours;
    private readonly float[]? similarities;

    private CollaborativeModel(CollaborativeAlgorithm algorithm, string[] itemIds, float[]? dense, int[]? neighbourStart, int[]? neighbours, float[]? similarities)
    {
        Algorithm = algorithm;
        ItemIds = itemIds;
        this.dense = dense;
        this.neighbourStart = neighbourStart;
        this.neighbours = neighbours;
        this.similarities = similarities;
        index = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (int i = 0; i < itemIds.Length; i++)
        {
            index.Add(itemIds[i], i);
        }
    }

    /// <summary>The algorithm that built this model: <see cref="CollaborativeAlgorithm.Ease"/> or <see cref="CollaborativeAlgorithm.ItemKnn"/>.</summary>
    public CollaborativeAlgorithm Algorithm { get; }

    /// <summary>The model's items, sorted by ordinal id; model index i is <c>ItemIds[i]</c>.</summary>
    public string[] ItemIds { get; }

    /// <summary>Number of model items (the length of the score span).</summary>
    public int ItemCount => ItemIds.Length;

    /// <summary>Approximate memory held by the model's weights, in bytes.</summary>
    public long WeightBytes => dense != null ? (long)dense.Length * sizeof(float) : ((long)neighbours!.Length * 8) + ((long)neighbourStart!.Length * 4);

    /// <summary>The model index of an item id, or -1 when the item is not in the model.</summary>
    public int IndexOf(string itemId) => itemId != null && index.TryGetValue(itemId, out int i) ? i : -1;

    /// <summary>
    /// The model index of each id (-1 for ids not in the model), e.g. once per catalog snapshot and model, so catalog rows can be
    /// mapped to model items without hashing per call.
    /// </summary>
    public int[] MapIds(IReadOnlyList<string> ids)
    {
        if (ids is null)
        {
            throw new ArgumentNullException(nameof(ids));
        }

        var map = new int[ids.Count];
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = IndexOf(ids[i]);
        }

        return map;
    }

    /// <summary>
    /// Copies model scores to another row order (e.g. catalog rows): rowScores[r] = modelScores[rowToModel[r]], or
    /// <paramref name="missing"/> when rowToModel[r] is -1. Allocates nothing.
    /// </summary>
    public static void Gather(ReadOnlySpan<float> modelScores, ReadOnlySpan<int> rowToModel, Span<float> rowScores, float missing)
    {
        if (rowScores.Length != rowToModel.Length)
        {
            throw new ArgumentException($"The row score span has {rowScores.Length} slots for {rowToModel.Length} mapped rows.", nameof(rowScores));
        }

        for (int r = 0; r < rowToModel.Length; r++)
        {
            int m = rowToModel[r];
            rowScores[r] = (uint)m < (uint)modelScores.Length ? modelScores[m] : missing;
        }
    }

    /// <summary>The weight S[from, to] (0 when absent); for tests and diagnostics.</summary>
    public float Weight(int from, int to)
    {
        if (dense != null)
        {
            return dense[((long)from * ItemCount) + to];
        }

        for (int p = neighbourStart![from]; p < neighbourStart[from + 1]; p++)
        {
            if (neighbours![p] == to)
            {
                return similarities![p];
            }
        }

        return 0;
    }

    /// <summary>
    /// Writes a score for every model item: scores[j] = Σ_h weights[h] · S[history[h], j]. Allocates nothing. History entries with an
    /// index outside the model are ignored. The user's own items are scored too; callers exclude them as they see fit.
    /// </summary>
    /// <param name="history">Model indices of the user's items.</param>
    /// <param name="weights">Engagement weight of each history entry (may be negative).</param>
    /// <param name="scores">Destination, length <see cref="ItemCount"/>.</param>
    public void Score(ReadOnlySpan<int> history, ReadOnlySpan<float> weights, Span<float> scores)
    {
        if (history.Length != weights.Length)
        {
            throw new ArgumentException($"The history has {history.Length} items but {weights.Length} weights.", nameof(weights));
        }

        int n = ItemCount;
        if (scores.Length != n)
        {
            throw new ArgumentException($"The score span has length {scores.Length}; the model has {n} items.", nameof(scores));
        }

        scores.Clear();
        if (dense != null)
        {
            for (int h = 0; h < history.Length; h++)
            {
                int item = history[h];
                float w = weights[h];
                if ((uint)item < (uint)n && w != 0)
                {
                    TensorPrimitives.MultiplyAdd(dense.AsSpan(item * n, n), w, scores, scores);
                }
            }

            return;
        }

        int[] start = neighbourStart!;
        int[] nb = neighbours!;
        float[] sim = similarities!;
        for (int h = 0; h < history.Length; h++)
        {
            int item = history[h];
            float w = weights[h];
            if ((uint)item >= (uint)n || w == 0)
            {
                continue;
            }

            for (int p = start[item]; p < start[item + 1]; p++)
            {
                scores[nb[p]] += w * sim[p];
            }
        }
    }

    /// <summary>EASE weights, row-major items x items (empty for item-kNN); for snapshots.</summary>
    public ReadOnlySpan<float> DenseWeights => dense;

    /// <summary>Item-kNN CSR offsets, length items + 1 (empty for EASE); for snapshots.</summary>
    public ReadOnlySpan<int> NeighbourStart => neighbourStart;

    /// <summary>Item-kNN target items: entries NeighbourStart[h]..NeighbourStart[h+1] are the items scored from history item h.</summary>
    public ReadOnlySpan<int> Neighbours => neighbours;

    /// <summary>Item-kNN similarities, parallel to <see cref="Neighbours"/>.</summary>
    public ReadOnlySpan<float> Similarities => similarities;

    /// <summary>
    /// Rebuilds an EASE model from its parts (e.g. a snapshot read from disk), validating them: unique non-null ids,
    /// ids.Length² finite weights. The arrays are used, not copied.
    /// </summary>
    public static CollaborativeModel FromDense(string[] itemIds, float[] weights)
    {
        CheckIds(itemIds);
        if (weights is null || weights.LongLength != (long)itemIds.Length * itemIds.Length)
        {
            throw new ArgumentException($"An EASE model of {itemIds.Length} items needs {(long)itemIds.Length * itemIds.Length} weights.", nameof(weights));
        }

        CheckFinite(weights, nameof(weights));
        return new CollaborativeModel(CollaborativeAlgorithm.Ease, itemIds, weights, null, null, null);
    }

    /// <summary>
    /// Rebuilds an item-kNN model from its parts (e.g. a snapshot), validating them: unique ids, non-decreasing offsets of length
    /// items + 1 starting at 0 and ending at the entry count, target indices in range, finite similarities. The arrays are used, not copied.
    /// </summary>
    public static CollaborativeModel FromNeighbours(string[] itemIds, int[] start, int[] neighbours, float[] similarities)
    {
        CheckIds(itemIds);
        int n = itemIds.Length;
        if (start is null || start.Length != n + 1 || start[0] != 0)
        {
            throw new ArgumentException($"The neighbour offsets must have {n + 1} entries and start at 0.", nameof(start));
        }

        if (neighbours is null || similarities is null || neighbours.Length != similarities.Length || start[n] != neighbours.Length)
        {
            throw new ArgumentException("The neighbour and similarity arrays must both have as many entries as the last offset.", nameof(neighbours));
        }

        for (int i = 0; i < n; i++)
        {
            if (start[i + 1] < start[i])
            {
                throw new ArgumentException($"The neighbour offsets decrease at item {i}.", nameof(start));
            }
        }

        foreach (int j in neighbours)
        {
            if ((uint)j >= (uint)n)
            {
                throw new ArgumentException($"Neighbour index {j} is outside 0..{n - 1}.", nameof(neighbours));
            }
        }

        CheckFinite(similarities, nameof(similarities));
        return new CollaborativeModel(CollaborativeAlgorithm.ItemKnn, itemIds, null, start, neighbours, similarities);
    }

    private static void CheckIds(string[] itemIds)
    {
        if (itemIds is null)
        {
            throw new ArgumentNullException(nameof(itemIds));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in itemIds)
        {
            if (id is null || !seen.Add(id))
            {
                throw new ArgumentException($"Item ids must be unique and non-null ('{id}').", nameof(itemIds));
            }
        }
    }

    private static void CheckFinite(float[] values, string paramName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]) || float.IsInfinity(values[i]))
            {
                throw new ArgumentException($"Weight {i} is not finite ({values[i]}).", paramName);
            }
        }
    }

    /// <summary>Trains a model on an interaction matrix whose columns are <paramref name="itemIds"/>.</summary>
    /// <param name="itemIds">Id of each matrix column (unique).</param>
    /// <param name="matrix">User x item engagement weights.</param>
    /// <param name="options">Settings; validated here. Null means defaults.</param>
    /// <param name="progress">Optional progress, 0..1 (reported from worker threads).</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <returns>The model.</returns>
    public static CollaborativeModel Train(
        IReadOnlyList<string> itemIds,
        InteractionMatrix matrix,
        CollaborativeOptions? options = null,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (itemIds is null)
        {
            throw new ArgumentNullException(nameof(itemIds));
        }

        if (matrix is null)
        {
            throw new ArgumentNullException(nameof(matrix));
        }

        if (itemIds.Count != matrix.ItemCount)
        {
            throw new ArgumentException($"There are {itemIds.Count} item ids for a matrix of {matrix.ItemCount} items.", nameof(itemIds));
        }

        options = (options ?? new CollaborativeOptions()).Clone();
        options.Validate();

        List<int> eligible = SelectEligible(itemIds, matrix, options, out var algorithm);
        string[] ids = EligibleIds(itemIds, matrix, eligible, out int[] map);
        var projected = matrix.Project(map, ids.Length);
        cancellationToken.ThrowIfCancellationRequested();
        Action<double>? report = progress == null ? null : progress.Report;
        if (algorithm == CollaborativeAlgorithm.Ease)
        {
            float[] b = EaseTrainer.Train(projected, options.EaseLambda, options.Workers, report, cancellationToken);
            progress?.Report(1.0);
            return new CollaborativeModel(CollaborativeAlgorithm.Ease, ids, b, null, null, null);
        }

        var (start, nb, sim) = ItemKnnTrainer.Train(projected, options.Neighbours, (float)options.Shrink, options.Workers, report, cancellationToken);
        progress?.Report(1.0);
        return new CollaborativeModel(CollaborativeAlgorithm.ItemKnn, ids, null, start, nb, sim);
    }

    /// <summary>
    /// The matrix columns with enough distinct users, resolving <see cref="CollaborativeAlgorithm.Auto"/> into
    /// <paramref name="algorithm"/> and, for EASE, keeping only the most supported (ties by id); sorted by ordinal id.
    /// </summary>
    private static List<int> SelectEligible(IReadOnlyList<string> itemIds, InteractionMatrix matrix, CollaborativeOptions options, out CollaborativeAlgorithm algorithm)
    {
        // Eligible items: enough distinct users. Ordered by ordinal id so indices (and tie-breaks) do not depend on input order.
        int[] support = matrix.ItemSupport();
        var eligible = new List<int>();
        for (int i = 0; i < support.Length; i++)
        {
            if (support[i] >= options.MinItemSupport)
            {
                eligible.Add(i);
            }
        }

        algorithm = options.Algorithm;
        if (algorithm == CollaborativeAlgorithm.Auto)
        {
            algorithm = eligible.Count <= options.MaxEaseItems ? CollaborativeAlgorithm.Ease : CollaborativeAlgorithm.ItemKnn;
        }

        if (algorithm == CollaborativeAlgorithm.Ease && eligible.Count > options.MaxEaseItems)
        {
            // Keep the most supported items (ties by id).
            eligible.Sort((x, y) =>
            {
                int c = support[y].CompareTo(support[x]);
                return c != 0 ? c : string.CompareOrdinal(itemIds[x], itemIds[y]);
            });
            eligible.RemoveRange(options.MaxEaseItems, eligible.Count - options.MaxEaseItems);
        }

        eligible.Sort((x, y) => string.CompareOrdinal(itemIds[x], itemIds[y]));
        return eligible;
    }

    /// <summary>The ids of the eligible columns, in order, and <paramref name="map"/> from old column to new index (-1 when dropped).</summary>
    private static string[] EligibleIds(IReadOnlyList<string> itemIds, InteractionMatrix matrix, List<int> eligible, out int[] map)
    {
        var ids = new string[eligible.Count];
        map = new int[matrix.ItemCount];
        map.AsSpan().Fill(-1);
        for (int k = 0; k < eligible.Count; k++)
        {
            map[eligible[k]] = k;
            ids[k] = itemIds[eligible[k]];
            if (ids[k] is null)
            {
                throw new ArgumentException($"Item id {eligible[k]} is null.", nameof(itemIds));
            }
        }

        return ids;
    }
}
