using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EmbeddedReco.Collaborative;
using EmbeddedReco.Export;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Fleet;

/// <summary>
/// The central trainer: reads many devices' event export files (<see cref="EventExport"/>) and trains the collaborative model
/// with bounded memory. Pass 1 reads files in parallel and partitions (player hash, item, weight) records into shard files by
/// player, counting popularity on the way; pass 2 reads one shard at a time (whole players), builds its sparse rows and adds
/// them into the item-item Gram matrix (XᵀX) on all cores. EASE is solved from the Gram matrix; item-kNN takes cosine
/// similarities from it. Memory: the dense Gram matrix (4 n² bytes for n catalog items, at most 46,000) plus one shard.
/// </summary>
public static class FleetTrainer
{
    private const int RecordBytes = 16;

    /// <summary>Trains from event files against a catalog of item ids (events of other items are skipped and counted).</summary>
    /// <param name="eventFiles">Export files; each may hold several batches.</param>
    /// <param name="itemIds">The catalog's item ids.</param>
    /// <param name="options">Settings; null = defaults.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <returns>The model, the popularity per catalog item, and figures.</returns>
    internal static FleetModel Train(IReadOnlyList<string> eventFiles, IReadOnlyList<string> itemIds, FleetTrainerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FleetTrainerOptions();
        options.Validate();
        int n = itemIds.Count;
        if (n < 1 || n > EaseTrainer.MaxItems)
        {
            throw new ArgumentException($"The fleet trainer needs 1 to {EaseTrainer.MaxItems} catalog items (a dense Gram matrix); got {n}. Past that, see the Spark path in docs/deployment.md.", nameof(itemIds));
        }

        var sw = Stopwatch.StartNew();
        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            index[itemIds[i]] = i;
        }

        int workers = options.EffectiveWorkers;
        var po = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        string tempDir = Path.Combine(options.TempFolder ?? Path.GetTempPath(), "reco-train-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tempDir);
        try
        {
            var shards = new ShardFiles(tempDir, options.Shards);
            var popularity = new Popularity(n);
            var weights = options.EngagementWeights;
            var decay = new Decay(options.PopularityHalfLife);
            bool binary = options.Weighting == FleetWeighting.Binary;

            var (events, unknown) = PartitionEvents(eventFiles, index, shards, popularity, n, options.Shards, weights, decay, binary, po);
            long readDone = sw.ElapsedMilliseconds;
            var g = AccumulateGram(shards, n, options.Shards, binary, po, cancellationToken, out int[] support, out long users, out long pairs, out double weightSum);
            long gramDone = sw.ElapsedMilliseconds;
            if (!binary && pairs > 0)
            {
                ScaleGram(g, n, weightSum / pairs, po);
            }

            var model = Solve(g, n, itemIds, support, options.Collaborative, po, cancellationToken);
            g = null!;
            var result = new TrainingResult(model?.Algorithm ?? options.Collaborative.Algorithm, model?.ItemCount ?? 0, (int)Math.Min(int.MaxValue, users), (int)Math.Min(int.MaxValue, pairs), sw.Elapsed, DateTimeOffset.UtcNow);
            return new FleetModel(model, result, popularity, new FleetTrainingReport(eventFiles.Count, events, unknown, users, pairs, model?.ItemCount ?? 0, readDone, gramDone - readDone, sw.ElapsedMilliseconds - gramDone));
        }
        finally
        {
            try
            {
                Directory.Delete(tempDir, true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Pass 1: reads the event files in parallel into the player shards, counting popularity; returns (events, unknown).</summary>
    private static (long Events, long Unknown) PartitionEvents(IReadOnlyList<string> eventFiles, Dictionary<string, int> index, ShardFiles shards, Popularity popularity, int n, int shardCount, EngagementWeights weights, Decay decay, bool binary, ParallelOptions po)
    {
        long events = 0, unknown = 0;

        // Pass 1: files in parallel; per worker one buffer per shard, flushed under the shard's lock.
        Parallel.ForEach(
            eventFiles,
            po,
            () => new Pass1Worker(n, shardCount),
            (file, _, w) =>
            {
                EventFile.ReadFile(file, e => AddEvent(w, e, index, shards, weights, decay, binary));
                return w;
            },
            w =>
            {
                w.FlushAll(shards);
                lock (popularity)
                {
                    popularity.Merge(w.Popularity);
                    events += w.Events;
                    unknown += w.Unknown;
                }
            });
        return (events, unknown);
    }

    /// <summary>Counts one exported event into a pass-1 worker: popularity, then (if it carries weight) a shard record.</summary>
    private static void AddEvent(Pass1Worker w, ExportedEvent e, Dictionary<string, int> index, ShardFiles shards, EngagementWeights weights, Decay decay, bool binary)
    {
        w.Events++;
        if (!index.TryGetValue(e.ItemId, out int item))
        {
            w.Unknown++;
            return;
        }

        double weight = weights.WeightOf(e.Kind, e.Value);
        w.Popularity.Add(item, e.Kind, weight, e.Ticks, decay);
        float recordWeight;
        if (binary)
        {
            if (e.Kind == InteractionKind.Impression || e.Kind == InteractionKind.Skip || e.Kind == InteractionKind.Dislike)
            {
                return;
            }

            recordWeight = 1f;
        }
        else
        {
            if (weight == 0)
            {
                return;
            }

            recordWeight = (float)weight;
        }

        ulong user = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(e.UserId.AsSpan()));
        w.Add(shards, user, item, recordWeight);
    }

    /// <summary>Pass 2: adds every shard's sparse rows into the dense Gram matrix, one shard at a time, and returns it (with per-item support).</summary>
    private static float[] AccumulateGram(ShardFiles shards, int n, int shardCount, bool binary, ParallelOptions po, CancellationToken cancellationToken, out int[] support, out long users, out long pairs, out double weightSum)
    {
        // Pass 2: one shard at a time (whole players); the Gram rows are split between workers.
        var g = new float[(long)n * n];
        support = new int[n];
        users = 0;
        pairs = 0;
        weightSum = 0;
        for (int s = 0; s < shardCount; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var x = shards.LoadMatrix(s, n, binary, out int shardUsers);
            if (x is null)
            {
                continue;
            }

            users += shardUsers;
            pairs += x.NonZeros;
            foreach (int item in x.Columns)
            {
                support[item]++;
            }

            foreach (float v in x.Values)
            {
                weightSum += v;
            }

            EaseTrainer.Gram(x, g, po);
        }

        return g;
    }

    /// <summary>Scales the lower triangle of the Gram matrix by 1 / mean² so weights have a mean of 1 (as the engine's Train).</summary>
    private static void ScaleGram(float[] g, int n, double meanWeight, ParallelOptions po)
    {
        // Weights scaled to a mean of 1 (as the engine's Train): the Gram matrix scales by 1 / mean².
        float scale = (float)(1.0 / Math.Pow(meanWeight, 2));
        Parallel.For(0, n, po, i => System.Numerics.Tensors.TensorPrimitives.Multiply(g.AsSpan(i * n, i + 1), scale, g.AsSpan(i * n, i + 1)));
    }

    /// <summary>Picks the eligible items as <see cref="CollaborativeModel.Train"/> does and solves EASE or kNN from the Gram matrix.</summary>
    private static CollaborativeModel? Solve(float[] g, int n, IReadOnlyList<string> itemIds, int[] support, CollaborativeOptions options, ParallelOptions po, CancellationToken ct)
    {
        var eligible = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (support[i] >= options.MinItemSupport)
            {
                eligible.Add(i);
            }
        }

        var algorithm = options.Algorithm;
        if (algorithm == CollaborativeAlgorithm.Auto)
        {
            algorithm = eligible.Count <= options.MaxEaseItems ? CollaborativeAlgorithm.Ease : CollaborativeAlgorithm.ItemKnn;
        }

        if (algorithm == CollaborativeAlgorithm.Ease && eligible.Count > options.MaxEaseItems)
        {
            eligible.Sort((x, y) =>
            {
                int c = support[y].CompareTo(support[x]);
                return c != 0 ? c : string.CompareOrdinal(itemIds[x], itemIds[y]);
            });
            eligible.RemoveRange(options.MaxEaseItems, eligible.Count - options.MaxEaseItems);
        }

        if (eligible.Count == 0)
        {
            return null;
        }

        eligible.Sort((x, y) => string.CompareOrdinal(itemIds[x], itemIds[y]));
        int m = eligible.Count;
        var ids = new string[m];
        for (int k = 0; k < m; k++)
        {
            ids[k] = itemIds[eligible[k]];
        }

        // The eligible items' Gram matrix, lower triangle, in model order.
        float[] sub = m == n && IsIdentity(eligible) ? g : new float[(long)m * m];
        if (!ReferenceEquals(sub, g))
        {
            Parallel.For(0, m, po, a =>
            {
                long ea = eligible[a];
                for (int b = 0; b <= a; b++)
                {
                    long eb = eligible[b];
                    sub[((long)a * m) + b] = ea >= eb ? g[(ea * n) + eb] : g[(eb * n) + ea];
                }
            });
        }

        if (algorithm == CollaborativeAlgorithm.Ease)
        {
            return CollaborativeModel.FromDense(ids, EaseTrainer.FromGram(sub, m, options.EaseLambda, po, null, ct));
        }

        var (start, nb, sim) = KnnFromGram(sub, m, options.Neighbours, (float)options.Shrink, po);
        return CollaborativeModel.FromNeighbours(ids, start, nb, sim);
    }

    private static bool IsIdentity(List<int> order)
    {
        for (int i = 0; i < order.Count; i++)
        {
            if (order[i] != i)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Item-kNN as <see cref="ItemKnnTrainer"/> computes it (cosine with shrink, top-k positive, ties by index), from a Gram lower triangle.</summary>
    private static (int[] Start, int[] Neighbours, float[] Similarities) KnnFromGram(float[] g, int n, int k, float shrink, ParallelOptions po)
    {
        var norms = new float[n];
        for (int i = 0; i < n; i++)
        {
            norms[i] = (float)Math.Sqrt(g[((long)i * n) + i]);
        }

        var lists = new int[n][];
        var sims = new float[n][];
        Parallel.For(0, n, po, () => new List<(float Sim, int Item)>(n), (i, _, cands) =>
        {
            cands.Clear();
            for (int j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                float dot = i >= j ? g[((long)i * n) + j] : g[((long)j * n) + i];
                if (dot != 0)
                {
                    float s = dot / ((norms[i] * norms[j]) + shrink);
                    if (s > 0)
                    {
                        cands.Add((s, j));
                    }
                }
            }

            cands.Sort((x, y) =>
            {
                int c = y.Sim.CompareTo(x.Sim);
                return c != 0 ? c : x.Item.CompareTo(y.Item);
            });
            int keep = Math.Min(k, cands.Count);
            lists[i] = new int[keep];
            sims[i] = new float[keep];
            for (int c = 0; c < keep; c++)
            {
                lists[i][c] = cands[c].Item;
                sims[i][c] = cands[c].Sim;
            }

            return cands;
        }, _ => { });
        return ToScatter(lists, sims);
    }

    /// <summary>lists[j] = the top-k neighbours h of j; stored transposed for scattering from the history (as <see cref="ItemKnnTrainer"/>).</summary>
    internal static (int[] Start, int[] Neighbours, float[] Similarities) ToScatter(int[][] lists, float[][] sims)
    {
        int n = lists.Length;
        var start = new int[n + 1];
        foreach (int[] l in lists)
        {
            foreach (int h in l)
            {
                start[h + 1]++;
            }
        }

        for (int h = 0; h < n; h++)
        {
            start[h + 1] += start[h];
        }

        var cursor = (int[])start.Clone();
        var nb = new int[start[n]];
        var sim = new float[start[n]];
        for (int j = 0; j < n; j++)
        {
            for (int c = 0; c < lists[j].Length; c++)
            {
                int p = cursor[lists[j][c]]++;
                nb[p] = j;
                sim[p] = sims[j][c];
            }
        }

        return (start, nb, sim);
    }

    private sealed class Pass1Worker
    {
        private readonly byte[][] _buffers;
        private readonly int[] _used;

        public Pass1Worker(int items, int shards)
        {
            Popularity = new Popularity(items);
            _buffers = new byte[shards][];
            _used = new int[shards];
            for (int s = 0; s < shards; s++)
            {
                _buffers[s] = new byte[RecordBytes * 4096];
            }
        }

        public Popularity Popularity { get; }

        public long Events { get; set; }

        public long Unknown { get; set; }

        public void Add(ShardFiles shards, ulong user, int item, float weight)
        {
            int s = (int)(user % (ulong)_buffers.Length);
            var span = _buffers[s].AsSpan(_used[s], RecordBytes);
            MemoryMarshal.Write(span, in user);
            MemoryMarshal.Write(span.Slice(8), in item);
            MemoryMarshal.Write(span.Slice(12), in weight);
            _used[s] += RecordBytes;
            if (_used[s] == _buffers[s].Length)
            {
                shards.Append(s, _buffers[s], _used[s]);
                _used[s] = 0;
            }
        }

        public void FlushAll(ShardFiles shards)
        {
            for (int s = 0; s < _buffers.Length; s++)
            {
                if (_used[s] > 0)
                {
                    shards.Append(s, _buffers[s], _used[s]);
                    _used[s] = 0;
                }
            }
        }
    }

    private sealed class ShardFiles
    {
        private readonly string[] _paths;
        private readonly object[] _locks;

        public ShardFiles(string folder, int count)
        {
            _paths = new string[count];
            _locks = new object[count];
            for (int s = 0; s < count; s++)
            {
                _paths[s] = Path.Combine(folder, $"shard-{s:D4}.bin");
                _locks[s] = new object();
            }
        }

        public void Append(int shard, byte[] buffer, int count)
        {
            lock (_locks[shard])
            {
                using var f = new FileStream(_paths[shard], FileMode.Append, FileAccess.Write, FileShare.None, 1);
                f.Write(buffer, 0, count);
            }
        }

        /// <summary>The shard's players as sparse rows (duplicates summed; binary: 1, engagement: positive sums only).</summary>
        public InteractionMatrix? LoadMatrix(int shard, int items, bool binary, out int users)
        {
            users = 0;
            if (!File.Exists(_paths[shard]))
            {
                return null;
            }

            byte[] bytes = File.ReadAllBytes(_paths[shard]);
            File.Delete(_paths[shard]);
            int count = bytes.Length / RecordBytes;
            var keys = new ulong[count];
            var order = new int[count];
            for (int r = 0; r < count; r++)
            {
                keys[r] = MemoryMarshal.Read<ulong>(bytes.AsSpan(r * RecordBytes));
                order[r] = r;
            }

            Array.Sort(keys, order);
            var rowOf = new int[count];
            var itemOf = new int[count];
            var weightOf = new float[count];
            int row = -1;
            for (int p = 0; p < count; p++)
            {
                if (p == 0 || keys[p] != keys[p - 1])
                {
                    row++;
                }

                int r = order[p];
                rowOf[p] = row;
                itemOf[p] = MemoryMarshal.Read<int>(bytes.AsSpan((r * RecordBytes) + 8));
                weightOf[p] = MemoryMarshal.Read<float>(bytes.AsSpan((r * RecordBytes) + 12));
            }

            users = row + 1;
            var x = InteractionMatrix.Build(users, items, rowOf, itemOf, weightOf);
            return Clean(x, binary, ref users);
        }

        private static InteractionMatrix Clean(InteractionMatrix x, bool binary, ref int users)
        {
            bool allPositive = true;
            foreach (float v in x.Values)
            {
                if (!(v > 0))
                {
                    allPositive = false;
                    break;
                }
            }

            if (binary && allPositive)
            {
                x.Values.AsSpan().Fill(1f);
                return x;
            }

            var rows = new List<int>(x.NonZeros);
            var cols = new List<int>(x.NonZeros);
            var vals = new List<float>(x.NonZeros);
            int kept = 0;
            for (int u = 0; u < x.UserCount; u++)
            {
                var its = x.ItemsOf(u);
                var ws = x.WeightsOf(u);
                bool any = false;
                for (int q = 0; q < its.Length; q++)
                {
                    if (ws[q] > 0)
                    {
                        rows.Add(kept);
                        cols.Add(its[q]);
                        vals.Add(binary ? 1f : ws[q]);
                        any = true;
                    }
                }

                if (any)
                {
                    kept++;
                }
            }

            users = kept;
            return InteractionMatrix.Build(kept, x.ItemCount, rows.ToArray(), cols.ToArray(), vals.ToArray());
        }
    }
}
