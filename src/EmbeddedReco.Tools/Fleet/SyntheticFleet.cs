using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using EmbeddedReco.Export;

namespace EmbeddedReco.Fleet;

/// <summary>Synthetic fleet uploads for measuring the trainer (the <c>reco synth</c> command, src/EmbeddedReco.Cli).</summary>
public static class SyntheticFleet
{
    /// <summary>
    /// Writes <c>catalog.ersnap</c> (items with 8-dimensional vectors) and <c>events/upload-NNNNN.erevents</c>: players with a taste
    /// for one of 50 item clusters (70 % of their events, skewed to the cluster's first items), the rest popularity-skewed over the
    /// catalog; 30 % impressions, 56 % clicks, 14 % plays; a player's events spread over all files. Deterministic for a seed.
    /// </summary>
    /// <param name="folder">The output folder (created).</param>
    /// <param name="events">Events in all.</param>
    /// <param name="items">Catalog items (at least 50).</param>
    /// <param name="users">Players.</param>
    /// <param name="files">Export files.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A one-line summary.</returns>
    public static string Generate(string folder, long events, int items, int users, int files, int seed)
    {
        string dir = Directory.CreateDirectory(folder).FullName;
        const int Dims = 8;
        var defs = new List<ItemDefinition>(items);
        var rng = new Random(seed);
        for (int i = 0; i < items; i++)
        {
            var v = new float[Dims];
            v[i % Dims] = 1;
            v[(i / Dims) % Dims] += 0.5f;
            defs.Add(new ItemDefinition($"item-{i:D5}", v));
        }

        using (var studio = RecoEngine.Open(new RecoEngineOptions { DatabasePath = RecoEngineOptions.InMemory, Dimensions = Dims }))
        {
            studio.UpsertItems(defs);
            studio.SaveSnapshot(Path.Combine(dir, "catalog.ersnap"));
        }

        string eventsDir = Directory.CreateDirectory(Path.Combine(dir, "events")).FullName;
        var sw = Stopwatch.StartNew();
        long id = 0;
        int clusters = 50, perCluster = items / clusters;
        long ticks = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var userIds = new string[users];
        for (int u = 0; u < users; u++)
        {
            userIds[u] = $"p{u:x8}";
        }

        for (int f = 0; f < files; f++)
        {
            long count = (events / files) + (f < events % files ? 1 : 0);
            var rows = new List<ExportedEvent>((int)count);
            for (long e = 0; e < count; e++)
            {
                int u = rng.Next(users);
                int cluster = (int)((uint)(u * 2654435761u) % (uint)clusters);
                int item = rng.NextDouble() < 0.7
                    ? (cluster * perCluster) + (int)(perCluster * Math.Pow(rng.NextDouble(), 2))
                    : (int)(items * Math.Pow(rng.NextDouble(), 3));
                var kind = rng.NextDouble() < 0.3 ? InteractionKind.Impression : rng.NextDouble() < 0.8 ? InteractionKind.Click : InteractionKind.Play;
                rows.Add(new ExportedEvent(++id, userIds[u], defs[item].Id, kind, kind == InteractionKind.Play ? 300 : 1, ticks + (id * 1000)));
            }

            using var file = File.Create(Path.Combine(eventsDir, $"upload-{f:D5}{FleetSnapshotBuilder.EventFileExtension}"));
            EventFile.Write(file, rows, null);
        }

        long bytes = Directory.EnumerateFiles(eventsDir).Sum(p => new FileInfo(p).Length);
        return $"wrote {id:N0} events over {items} items and {users:N0} players into {files} files ({bytes / (1024.0 * 1024):N0} MiB) and {dir}/catalog.ersnap in {sw.Elapsed.TotalSeconds:0.0} s";
    }

}
