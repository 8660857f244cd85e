using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using EmbeddedReco.Collaborative;

namespace EmbeddedReco.Fleet;

/// <summary>
/// Turns the output of the Spark job (samples/EmbeddedReco.SparkTraining) into a snapshot. The interchange format is CSV with a
/// header line, UTF-8, a field with a comma or quote in double quotes and an inner quote escaped with a backslash (Spark's default; a doubled quote is read too), one or more part files per folder (as Spark's <c>DataFrame.write.csv(header=True)</c> writes
/// them; every <c>*.csv</c> file of the folder is read):
/// <list type="bullet">
/// <item><c>neighbours/</c>: <c>item,neighbour,similarity</c>: for each item, its top-k most similar items with a positive cosine
/// similarity (the engine's item-kNN: an item is scored from its own neighbourhood, score(item) = Σ similarity · weight of each
/// neighbour in the player's history).</item>
/// <item><c>popularity/</c> (optional): <c>item,impressions,engagements,popularity_log2</c>: counts and the log2 of the decayed
/// popularity, Σ weight · 2^((t − 2000-01-01) / half-life), as the engine keeps it.</item>
/// </list>
/// </summary>
public static class SparkInterchange
{
    /// <summary>The header of the neighbour list files.</summary>
    public const string NeighboursHeader = "item,neighbour,similarity";

    /// <summary>The header of the popularity files.</summary>
    public const string PopularityHeader = "item,impressions,engagements,popularity_log2";

    /// <summary>Builds a snapshot from neighbour lists (and popularity) and a catalog; rows of items outside the catalog are skipped.</summary>
    /// <param name="neighboursFolder">The job's neighbours/ folder.</param>
    /// <param name="popularityFolder">The job's popularity/ folder, or null.</param>
    /// <param name="itemsPath">The catalog (see <see cref="FleetSnapshotBuilder.Build"/>).</param>
    /// <param name="outPath">The snapshot to write.</param>
    /// <param name="options">Only <see cref="CollaborativeOptions.Neighbours"/> (lists are cut to it) and the popularity settings are used; null = defaults.</param>
    /// <param name="signingKeyPem">A PEM RSA private key to sign with; null = unsigned.</param>
    /// <returns>The number of model items.</returns>
    /// <exception cref="InvalidDataException">A file has another header, a malformed line, or a non-finite or non-positive similarity.</exception>
    public static int Build(string neighboursFolder, string? popularityFolder, string itemsPath, string outPath, FleetTrainerOptions? options = null, string? signingKeyPem = null)
    {
        options ??= new FleetTrainerOptions();
        options.Validate();
        var sw = Stopwatch.StartNew();
        using var engine = FleetSnapshotBuilder.OpenCatalog(itemsPath, options);
        var catalog = new HashSet<string>(engine.State.Catalog.Ids, StringComparer.Ordinal);
        var rows = new List<(string Item, string Neighbour, float Similarity)>();
        foreach (var f in ReadCsv(neighboursFolder, NeighboursHeader))
        {
            float sim = float.Parse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!float.IsFinite(sim) || sim <= 0)
            {
                throw new InvalidDataException($"A neighbour similarity must be finite and positive; got {f[2]} for ({f[0]}, {f[1]}).");
            }

            if (catalog.Contains(f[0]) && catalog.Contains(f[1]) && f[0] != f[1])
            {
                rows.Add((f[0], f[1], sim));
            }
        }

        var ids = rows.Select(r => r.Item).Concat(rows.Select(r => r.Neighbour)).Distinct(StringComparer.Ordinal).OrderBy(x => x, StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            index[ids[i]] = i;
        }

        var candidates = new List<(float Sim, int Item)>[ids.Length];
        foreach (var (item, neighbour, sim) in rows)
        {
            (candidates[index[item]] ??= new()).Add((sim, index[neighbour]));
        }

        int k = options.Collaborative.Neighbours;
        var lists = new int[ids.Length][];
        var sims = new float[ids.Length][];
        for (int j = 0; j < ids.Length; j++)
        {
            var c = candidates[j] ?? new List<(float Sim, int Item)>();
            c.Sort((x, y) =>
            {
                int s = y.Sim.CompareTo(x.Sim);
                return s != 0 ? s : x.Item.CompareTo(y.Item);
            });
            int keep = Math.Min(k, c.Count);
            lists[j] = c.Take(keep).Select(x => x.Item).ToArray();
            sims[j] = c.Take(keep).Select(x => x.Sim).ToArray();
        }

        var popularity = new Dictionary<string, (double Log2, long Impressions, long Engagements)>(StringComparer.Ordinal);
        if (popularityFolder is not null)
        {
            foreach (var f in ReadCsv(popularityFolder, PopularityHeader))
            {
                double log2 = f[3].Length == 0 ? double.NegativeInfinity : double.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture);
                popularity[f[0]] = (log2, long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture));
            }
        }

        if (ids.Length > 0)
        {
            var (start, nb, sim) = FleetTrainer.ToScatter(lists, sims);
            var model = CollaborativeModel.FromNeighbours(ids, start, nb, sim);
            var result = new TrainingResult(CollaborativeAlgorithm.ItemKnn, ids.Length, 0, rows.Count, sw.Elapsed, DateTimeOffset.UtcNow);
            engine.InstallTrained(model, result, id => popularity.TryGetValue(id, out var p) ? p : null);
        }

        FleetSnapshotBuilder.Write(engine, outPath, signingKeyPem, options.IncludePopularity);
        return ids.Length;
    }

    /// <summary>Rows of every *.csv file of a folder (ordinal order), after checking each file's header.</summary>
    internal static IEnumerable<string[]> ReadCsv(string folder, string header)
    {
        var files = Directory.EnumerateFiles(folder, "*.csv").OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new InvalidDataException($"No *.csv file in '{folder}'.");
        }

        int columns = header.Split(',').Length;
        foreach (string path in files)
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            string? first = reader.ReadLine();
            if (first is null)
            {
                continue; // Spark writes empty part files for empty partitions
            }

            if (first.TrimStart('\uFEFF') != header)
            {
                throw new InvalidDataException($"'{path}' starts with '{first}'; expected the header '{header}'.");
            }

            int line = 1;
            string? text;
            while ((text = reader.ReadLine()) is not null)
            {
                line++;
                if (text.Length == 0)
                {
                    continue;
                }

                var fields = Split(text);
                if (fields.Count != columns)
                {
                    throw new InvalidDataException($"'{path}' line {line} has {fields.Count} fields; expected {columns}.");
                }

                yield return fields.ToArray();
            }
        }
    }

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if ((c == '"' || c == '\\') && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }
}
