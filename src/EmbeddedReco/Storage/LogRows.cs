using System;
using System.Collections.Generic;
using EmbeddedReco.Export;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// The interaction log as the export sees it, on the writer thread only: reading committed rows after a cursor, pruning confirmed
/// rows, the size cap, and the persisted next row id (so ids stay monotonic after the newest rows were pruned or forgotten: a host's
/// cursor never points past rows that are written later).
/// </summary>
internal static class LogRows
{
    private const string NextIdKey = "logNextId";

    public static long ReadNextId(LiteDatabase db)
    {
        var doc = db.GetCollection(BsonCodec.MetaCollection).FindById(NextIdKey);
        return doc is not null && doc["v"].IsInt64 ? doc["v"].AsInt64 : 1;
    }

    public static void SaveNextId(LiteDatabase db, long nextId) =>
        db.GetCollection(BsonCodec.MetaCollection).Upsert(new BsonDocument { ["_id"] = NextIdKey, ["v"] = nextId });

    /// <summary>Deletes rows with ids up to <paramref name="upTo"/>; records the next id first (the pruned rows may be the newest).</summary>
    public static void Prune(LiteDatabase db, ILiteCollection<BsonDocument> log, long upTo, long nextId)
    {
        if (upTo < 1)
        {
            return;
        }

        SaveNextId(db, nextId);
        log.DeleteMany(Query.LTE("_id", upTo));
    }

    /// <summary>Adds a prune of the rows beyond the newest <paramref name="maxRows"/> (ids are dense but for forgotten players', so this keeps at most that many).</summary>
    public static void AddCapPrune(List<WriteOp> work, long maxRows, long nextId)
    {
        if (maxRows > 0 && nextId - 1 > maxRows)
        {
            work.Add(new WriteOp(WriteOpKind.PruneLog, string.Empty, sequence: nextId - 1 - maxRows));
        }
    }

    /// <summary>Runs a flush request's read; its failure is that request's error, never a storage fault.</summary>
    public static void RunWork(FlushRequest request, LiteDatabase db)
    {
        if (request.Work is null)
        {
            return;
        }

        try
        {
            request.Work(db);
        }
        catch (Exception ex)
        {
            request.Error = ex;
        }
    }

    /// <summary>Reads up to <paramref name="max"/> committed rows with ids above <paramref name="after"/>, in id order.</summary>
    public static List<ExportedEvent> Read(LiteDatabase db, long after, int max)
    {
        var rows = new List<ExportedEvent>(Math.Min(max, 4096));
        var log = db.GetCollection(BsonCodec.InteractionsCollection, BsonAutoId.Int64);
        foreach (var doc in log.Find(Query.GT("_id", after), 0, max))
        {
            rows.Add(new ExportedEvent(
                doc["_id"].AsInt64,
                doc["u"].AsString,
                doc["i"].AsString,
                (InteractionKind)doc["k"].AsInt32,
                doc["v"].AsDouble,
                doc["t"].AsInt64,
                BsonCodec.ReadShown(doc)));
        }

        return rows;
    }
}
