using System;
using System.Collections.Generic;
using EmbeddedReco.Profiles;

namespace EmbeddedReco.Collaborative;

/// <summary>The training data of the collaborative model: every player's positive per-item history weights, decayed to now.</summary>
internal static class PlayerHistories
{
    /// <summary>
    /// Builds the player x item matrix from the live profiles (each read under its own gate): the decayed weight of every
    /// positive history item, scaled to a mean of 1 so the regularization (EASE lambda, kNN shrink) means the same whatever
    /// the engagement weights are (a like is 3, a purchase 5, ...). <paramref name="users"/> = players with at least one entry.
    /// </summary>
    public static InteractionMatrixBuilder ToMatrix(IEnumerable<KeyValuePair<string, UserState>> profiles, in Decay decay, long nowTicks, out int users)
    {
        var triples = new List<(string User, string Item, double Weight)>();
        var players = new HashSet<string>(StringComparer.Ordinal);
        double sum = 0;
        foreach (var pair in profiles)
        {
            var user = pair.Value;
            lock (user.Gate)
            {
                foreach (var item in user.Items)
                {
                    var st = item.Value;
                    if (st.Weight > 0)
                    {
                        double w = decay.Decayed(st.Weight, st.WeightTicks, nowTicks);
                        triples.Add((user.Id, item.Key, w));
                        sum += w;
                        players.Add(user.Id);
                    }
                }
            }
        }

        var builder = new InteractionMatrixBuilder();
        double mean = triples.Count == 0 ? 1 : sum / triples.Count;
        foreach (var (user, item, weight) in triples)
        {
            builder.Add(user, item, (float)(weight / mean));
        }

        users = players.Count;
        return builder;
    }
}
