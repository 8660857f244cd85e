using System.Collections.Generic;
using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Evaluation;

/// <summary>The offline recommenders' top-N over a collaborative model's scores (evaluation and the fleet's export-file evaluation).</summary>
internal static class ModelTopN
{
    /// <summary>
    /// The ids of the <paramref name="count"/> best-scored model items, best first (ties by model index, i.e. ordinal id);
    /// items scored NaN or negative infinity (the history) are skipped.
    /// </summary>
    public static List<string> Ids(CollaborativeModel model, float[] scores, int count)
    {
        // Partial selection: keep the best `count` indices sorted (score desc, index asc = ordinal id asc).
        var best = new List<int>(count + 1);
        for (int j = 0; j < scores.Length; j++)
        {
            float s = scores[j];
            if (float.IsNegativeInfinity(s) || float.IsNaN(s) || (best.Count == count && !(s > scores[best[best.Count - 1]])))
            {
                continue;
            }

            int pos = best.Count;
            while (pos > 0 && s > scores[best[pos - 1]])
            {
                pos--;
            }

            best.Insert(pos, j);
            if (best.Count > count)
            {
                best.RemoveAt(best.Count - 1);
            }
        }

        var result = new List<string>(best.Count);
        foreach (int j in best)
        {
            result.Add(model.ItemIds[j]);
        }

        return result;
    }
}
