using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// Sparse item-kNN: cosine similarity between item columns of the interaction matrix, sim(a, b) = a·b / (|a||b| + shrink),
/// keeping the top-k neighbours of each item (ties by index); a candidate item is scored from its own top-k neighbourhood. Built item by item from the transpose with one dense accumulator of
/// n floats per worker, never an n x n matrix. Cost: Σ over users of (items per user)².
/// </summary>
internal static class ItemKnnTrainer
{
    /// <summary>
    /// Builds the model in CSR form for scattering: entries start[h]..start[h+1] are the items j (ascending) that have h among
    /// their top-k neighbours, with sim(h, j).
    /// </summary>
    public static (int[] Start, int[] Neighbours, float[] Similarities) Train(
        InteractionMatrix x, int k, float shrink, int workers, Action<double>? progress, CancellationToken cancellationToken)
    {
        int n = x.ItemCount;
        InteractionMatrix t = x.Transpose();
        float[] norms = ColumnNorms(t, n);
        var lists = new int[n][];
        var sims = new float[n][];
        var po = Background.BackgroundScheduler.Options(workers, cancellationToken);
        int done = 0;
        Parallel.For(
            0,
            n,
            po,
            () => new Scratch(n),
            (i, _, s) =>
            {
                int touched = Accumulate(x, t, i, s);
                ScoreCandidates(s, touched, norms, i, shrink);
                TopNeighbours(s, touched, k, out int[] list, out float[] simList);
                lists[i] = list;
                sims[i] = simList;
                if (progress != null)
                {
                    int d = Interlocked.Increment(ref done);
                    if (d % 256 == 0)
                    {
                        progress((double)d / n);
                    }
                }

                return s;
            },
            _ => { });

        return ToScatterForm(lists, sims, n);
    }

    /// <summary>The Euclidean norm of each item column (a row of the transpose), summed in double.</summary>
    private static float[] ColumnNorms(InteractionMatrix t, int n)
    {
        var norms = new float[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            foreach (float v in t.WeightsOf(i))
            {
                s += (double)v * v;
            }

            norms[i] = (float)Math.Sqrt(s);
        }

        return norms;
    }

    /// <summary>
    /// Accumulates the dot products of item <paramref name="i"/> with every co-occurring item into the scratch accumulator;
    /// returns how many items were touched (listed in <see cref="Scratch.Touched"/>).
    /// </summary>
    private static int Accumulate(InteractionMatrix x, InteractionMatrix t, int i, Scratch s)
    {
        int touched = 0;
        ReadOnlySpan<int> users = t.ItemsOf(i);
        ReadOnlySpan<float> wu = t.WeightsOf(i);
        for (int p = 0; p < users.Length; p++)
        {
            ReadOnlySpan<int> items = x.ItemsOf(users[p]);
            ReadOnlySpan<float> wi = x.WeightsOf(users[p]);
            float a = wu[p];
            for (int q = 0; q < items.Length; q++)
            {
                int j = items[q];
                if (j == i)
                {
                    continue;
                }

                if (!s.Seen[j])
                {
                    s.Seen[j] = true;
                    s.Touched[touched++] = j;
                }

                s.Acc[j] += a * wi[q];
            }
        }

        return touched;
    }

    /// <summary>Turns the touched dot products into shrunk cosine candidates and resets the accumulator for the next item.</summary>
    private static void ScoreCandidates(Scratch s, int touched, float[] norms, int i, float shrink)
    {
        for (int c = 0; c < touched; c++)
        {
            int j = s.Touched[c];
            s.Candidates[c] = new Candidate(s.Acc[j] / ((norms[i] * norms[j]) + shrink), j);
            s.Acc[j] = 0;
            s.Seen[j] = false;
        }
    }

    /// <summary>Sorts the candidates and copies out the first k with a positive similarity.</summary>
    private static void TopNeighbours(Scratch s, int touched, int k, out int[] list, out float[] simList)
    {
        // Similarity descending, then index ascending; keep the first k positive ones.
        Array.Sort(s.Candidates, 0, touched, CandidateOrder.Instance);
        int keep = Math.Min(k, touched);
        while (keep > 0 && !(s.Candidates[keep - 1].Similarity > 0))
        {
            keep--;
        }

        list = new int[keep];
        simList = new float[keep];
        for (int c = 0; c < keep; c++)
        {
            list[c] = s.Candidates[c].Item;
            simList[c] = s.Candidates[c].Similarity;
        }
    }

    /// <summary>Transposes the per-item top-k lists into the scatter CSR returned by <see cref="Train"/>.</summary>
    private static (int[] Start, int[] Neighbours, float[] Similarities) ToScatterForm(int[][] lists, float[][] sims, int n)
    {
        // lists[j] holds the k items most similar to j, so a candidate j is scored from its own neighbourhood:
        // score[j] = Σ over history items h in topk(j) of w_h · sim(h, j). Scoring scatters from the history, so store the
        // transpose: for each h, the items j whose top-k contains h (with sim(h, j)), sorted by j.
        var start = new int[n + 1];
        for (int j = 0; j < n; j++)
        {
            foreach (int h in lists[j])
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
            int[] l = lists[j];
            float[] w = sims[j];
            for (int c = 0; c < l.Length; c++)
            {
                int p = cursor[l[c]]++;
                nb[p] = j;
                sim[p] = w[c];
            }
        }

        return (start, nb, sim);
    }

    private sealed class Scratch
    {
        public Scratch(int n)
        {
            Acc = new float[n];
            Seen = new bool[n];
            Touched = new int[n];
            Candidates = new Candidate[n];
        }

        public float[] Acc { get; }

        public bool[] Seen { get; }

        public int[] Touched { get; }

        public Candidate[] Candidates { get; }
    }

    private readonly struct Candidate
    {
        public Candidate(float similarity, int item)
        {
            Similarity = similarity;
            Item = item;
        }

        public float Similarity { get; }

        public int Item { get; }
    }

    private sealed class CandidateOrder : IComparer<Candidate>
    {
        public static readonly CandidateOrder Instance = new();

        public int Compare(Candidate x, Candidate y)
        {
            int c = y.Similarity.CompareTo(x.Similarity);
            return c != 0 ? c : x.Item.CompareTo(y.Item);
        }
    }
}
