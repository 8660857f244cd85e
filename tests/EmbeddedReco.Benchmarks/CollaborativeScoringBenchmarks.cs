using BenchmarkDotNet.Attributes;
using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Benchmarks;

/// <summary>
/// Scoring one user (50 history items) against a 10,000-item collaborative model: EASE (a weighted sum of 50 dense rows of
/// 10,000 floats, 400 MB model) and item-kNN (100 neighbours per item), against a scalar loop over the same EASE rows.
/// </summary>
[MemoryDiagnoser]
public class CollaborativeScoringBenchmarks
{
    private const int Items = 10_000;
    private const int History = 50;
    private CollaborativeModel _ease = null!;
    private CollaborativeModel _knn = null!;
    private float[] _dense = null!;
    private readonly int[] _history = new int[History];
    private readonly float[] _weights = new float[History];
    private readonly float[] _scores = new float[Items];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var ids = new string[Items];
        for (int i = 0; i < Items; i++)
        {
            ids[i] = "item-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        }

        _dense = new float[(long)Items * Items];
        for (long i = 0; i < _dense.LongLength; i++)
        {
            _dense[i] = (float)(rng.NextDouble() - 0.5) * 0.01f;
        }

        _ease = CollaborativeModel.FromDense(ids, _dense);
        const int k = 100;
        var start = new int[Items + 1];
        var nb = new int[Items * k];
        var sim = new float[Items * k];
        for (int i = 0; i < Items; i++)
        {
            start[i + 1] = start[i] + k;
            var chosen = new SortedSet<int>();
            while (chosen.Count < k)
            {
                chosen.Add(rng.Next(Items));
            }

            int p = start[i];
            foreach (int j in chosen)
            {
                nb[p] = j;
                sim[p++] = (float)rng.NextDouble();
            }
        }

        _knn = CollaborativeModel.FromNeighbours(ids, start, nb, sim);
        for (int h = 0; h < History; h++)
        {
            _history[h] = rng.Next(Items);
            _weights[h] = 1 + (float)rng.NextDouble();
        }
    }

    [Benchmark(Baseline = true)]
    public float EaseScalarLoop()
    {
        Array.Clear(_scores);
        for (int h = 0; h < History; h++)
        {
            long row = (long)_history[h] * Items;
            float w = _weights[h];
            for (int j = 0; j < Items; j++)
            {
                _scores[j] += w * _dense[row + j];
            }
        }

        return _scores[0];
    }

    [Benchmark]
    public float ScoreEase()
    {
        _ease.Score(_history, _weights, _scores);
        return _scores[0];
    }

    [Benchmark]
    public float ScoreItemKnn()
    {
        _knn.Score(_history, _weights, _scores);
        return _scores[0];
    }
}
