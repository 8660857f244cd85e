using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedReco;

namespace EmbeddedReco.AotSmoke;

/// <summary>Open, record, suggest, flush, snapshot (LZ4), Train and reopen, compiled ahead of time. Prints "N passed, M failed".</summary>
internal static class Program
{
    private const int Dims = 8;
    private static int _passed;
    private static int _failed;

    private static int Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reco-aot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string db = Path.Combine(dir, "aot.db");
        string snapshot = Path.Combine(dir, "aot.snap");
        try
        {
            string first = string.Empty;
            Check("Open_Record_Suggest", () =>
            {
                using var engine = RecoEngine.Open(Options(db));
                engine.UpsertItems(Items());
                for (int u = 0; u < 12; u++)
                {
                    for (int k = 0; k < 6; k++)
                    {
                        engine.Record(new Interaction("u" + u, "item-" + ((u * 5 + k * 3) % 24).ToString("D2"), k % 3 == 0 ? InteractionKind.Purchase : InteractionKind.Click));
                    }
                }

                var list = engine.Suggest("u0", new SuggestOptions { Count = 5, Epsilon = 0, Seed = 1, MarkShown = false, Explain = true });
                Assert(list.Count == 5 && list[0].Breakdown is { Count: > 0 }, "5 explained suggestions");
                first = list[0].ItemId;
                Assert(engine.Train().ModelItems > 0, "trained a model");
                engine.SaveSnapshot(snapshot, new SnapshotOptions { IncludeProfiles = true, Compression = SnapshotCompression.Lz4 });
                engine.Flush();
            });
            Check("Reopen_AfterFlush_StateRestored", () =>
            {
                using var engine = RecoEngine.Open(Options(db));
                Assert(engine.ItemCount == 24, "24 items");
                Assert(engine.GetProfile("u0")?.InteractionCount == 6, "u0's 6 interactions");
                Assert(engine.Suggest("u3", 4).Count == 4, "suggests after reopen");
            });
            Check("LoadSnapshot_Lz4_SameModel", () =>
            {
                using var engine = RecoEngine.Open(Options(RecoEngineOptions.InMemory));
                engine.LoadSnapshot(snapshot);
                Assert(engine.ItemCount == 24 && engine.LastTraining is not null, "items and model restored");
            });
            Check("Open_SecondEngine_RefusedWithCode", () =>
            {
                using var engine = RecoEngine.Open(Options(db));
                try
                {
                    RecoEngine.Open(Options(db)).Dispose();
                    Assert(false, "second engine opened");
                }
                catch (RecoException ex) when (ex.Code == RecoErrorCode.StorageOpenFailed)
                {
                }
            });
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        Console.WriteLine($"aot smoke: {_passed} passed, {_failed} failed");
        return _failed == 0 ? 0 : 1;
    }

    private static RecoEngineOptions Options(string path) => new() { DatabasePath = path, Dimensions = Dims };

    private static List<ItemDefinition> Items()
    {
        var items = new List<ItemDefinition>();
        for (int i = 0; i < 24; i++)
        {
            var v = new float[Dims];
            v[i % Dims] = 1;
            v[(i + 3) % Dims] = 0.5f;
            items.Add(new ItemDefinition("item-" + i.ToString("D2"), v, new[] { "t" + (i % 3) }));
        }

        return items;
    }

    private static void Check(string name, Action check)
    {
        try
        {
            check();
            _passed++;
            Console.WriteLine("PASS " + name);
        }
        catch (Exception ex)
        {
            _failed++;
            Console.WriteLine("FAIL " + name + ": " + ex);
        }
    }

    private static void Assert(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("assertion failed: " + what);
        }
    }
}
