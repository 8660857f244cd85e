using System;
using EmbeddedReco.Engagement;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// Explicit BsonDocument mapping of <see cref="EngagementState"/> records for the engine's writer thread: one document per
/// player and one per variant, so no document grows with the number of players. Readers validate and return false on a
/// malformed document instead of throwing (a damaged record is skipped, not fatal).
/// </summary>
internal static class EngagementBson
{
    public const string UsersCollection = "engagement_users";
    public const string VariantsCollection = "engagement_variants";

    // Variant names may be empty ("no experiment"); a prefix keeps every _id non-empty.
    private const string VariantIdPrefix = "v:";

    public static BsonDocument User(EngagementState.UserRecord record)
    {
        var variants = new BsonArray();
        foreach (var uv in record.Variants)
        {
            variants.Add(new BsonDocument
            {
                ["v"] = uv.Variant,
                ["day"] = uv.LastDay,
                ["c"] = Counts(uv.Counts),
            });
        }

        return new BsonDocument
        {
            ["_id"] = record.UserId,
            ["last"] = record.LastTicks,
            ["sessions"] = record.Sessions,
            ["variants"] = variants,
        };
    }

    public static BsonDocument Variant(EngagementState.VariantRecord record)
    {
        var days = new BsonArray();
        foreach (var day in record.Days)
        {
            days.Add(new BsonDocument { ["d"] = day.Day, ["c"] = Counts(day.Counts) });
        }

        return new BsonDocument
        {
            ["_id"] = VariantIdPrefix + record.Variant,
            ["totals"] = Counts(record.Totals),
            ["days"] = days,
        };
    }

    public static bool TryReadUser(BsonDocument doc, out EngagementState.UserRecord record)
    {
        record = new EngagementState.UserRecord();
        if (doc is null || !doc["_id"].IsString || doc["_id"].AsString.Length == 0 || !TryInt64(doc["last"], out long last)
            || !TryInt64(doc["sessions"], out long sessions) || sessions < 0 || !doc["variants"].IsArray)
        {
            return false;
        }

        record.UserId = doc["_id"].AsString;
        record.LastTicks = last;
        record.Sessions = sessions;
        foreach (var item in doc["variants"].AsArray)
        {
            if (!item.IsDocument || !item.AsDocument["v"].IsString || !TryInt64(item.AsDocument["day"], out long day)
                || !TryCounts(item.AsDocument["c"], out var counts))
            {
                return false;
            }

            record.Variants.Add(new EngagementState.UserVariantRecord { Variant = item.AsDocument["v"].AsString, LastDay = day, Counts = counts });
        }

        return true;
    }

    public static bool TryReadVariant(BsonDocument doc, out EngagementState.VariantRecord record)
    {
        record = new EngagementState.VariantRecord();
        if (doc is null || !doc["_id"].IsString || !doc["_id"].AsString.StartsWith(VariantIdPrefix, StringComparison.Ordinal)
            || !TryCounts(doc["totals"], out var totals) || !doc["days"].IsArray)
        {
            return false;
        }

        record.Variant = doc["_id"].AsString.Substring(VariantIdPrefix.Length);
        record.Totals = totals;
        foreach (var item in doc["days"].AsArray)
        {
            if (!item.IsDocument || !TryInt64(item.AsDocument["d"], out long day) || !TryCounts(item.AsDocument["c"], out var counts))
            {
                return false;
            }

            record.Days.Add(new EngagementState.DayRecord { Day = day, Counts = counts });
        }

        return true;
    }

    private static BsonDocument Counts(in EngagementCounts c) => new BsonDocument
    {
        ["u"] = c.Users,
        ["n"] = c.Interactions,
        ["imp"] = c.Impressions,
        ["clk"] = c.Clicks,
        ["pur"] = c.Purchases,
        ["play"] = c.PlaySeconds,
        ["ses"] = c.Sessions,
        ["rep"] = c.RepeatSessions,
        ["score"] = c.Score,
    };

    private static bool TryCounts(BsonValue value, out EngagementCounts counts)
    {
        counts = default;
        if (!value.IsDocument)
        {
            return false;
        }

        var d = value.AsDocument;
        if (!TryCount(d["u"], out counts.Users) || !TryCount(d["n"], out counts.Interactions) || !TryCount(d["imp"], out counts.Impressions)
            || !TryCount(d["clk"], out counts.Clicks) || !TryCount(d["pur"], out counts.Purchases) || !TryCount(d["ses"], out counts.Sessions)
            || !TryCount(d["rep"], out counts.RepeatSessions) || !TryFinite(d["play"], out counts.PlaySeconds) || !TryFinite(d["score"], out counts.Score))
        {
            return false;
        }

        return counts.PlaySeconds >= 0 && counts.RepeatSessions <= counts.Sessions;
    }

    private static bool TryInt64(BsonValue value, out long result)
    {
        if (value.IsInt64 || value.IsInt32)
        {
            result = value.AsInt64;
            return true;
        }

        result = 0;
        return false;
    }

    private static bool TryCount(BsonValue value, out long result) => TryInt64(value, out result) && result >= 0;

    private static bool TryFinite(BsonValue value, out double result)
    {
        if (value.IsNumber)
        {
            result = value.AsDouble;
            return !double.IsNaN(result) && !double.IsInfinity(result);
        }

        result = 0;
        return false;
    }
}
