using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using EmbeddedReco.Catalog;
using EmbeddedReco.Profiles;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// Explicit BsonDocument mapping (no BsonMapper: its first use races across threads in LiteDB 5.0.21 and it compiles
/// expressions, which IL2CPP cannot). Vectors are stored as raw little-endian float32 bytes.
/// </summary>
internal static class BsonCodec
{
    public const string ItemsCollection = "items";
    public const string UsersCollection = "users";
    public const string InteractionsCollection = "interactions";
    public const string UserItemsCollection = "user_items";
    public const string MetaCollection = "meta";

    public static byte[] FloatsToBytes(ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("EmbeddedReco stores float32 little-endian and needs a little-endian platform.");
        }

        return MemoryMarshal.AsBytes(values).ToArray();
    }

    public static bool TryBytesToFloats(byte[]? bytes, Span<float> destination)
    {
        if (bytes is null || bytes.Length != destination.Length * sizeof(float))
        {
            return false;
        }

        MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).CopyTo(destination);
        return true;
    }

    public static BsonDocument Meta(int dimensions, int format) => new BsonDocument
    {
        ["_id"] = "meta",
        ["dims"] = dimensions,
        ["format"] = format,
    };

    /// <summary>The document of the catalog's item at <paramref name="row"/> (vector, tags, popularity counters).</summary>
    public static BsonDocument Item(CatalogSnapshot catalog, int row)
    {
        var c = catalog.Counters;
        return Item(catalog.Ids[row], catalog.Row(row), catalog.Tags[row], c.PopularityLog2(row), c.Impressions(row), c.Engagements(row));
    }

    public static BsonDocument Item(string id, ReadOnlySpan<float> row, string[] tags, double popularityLog2, long impressions, long engagements)
    {
        var tagArray = new BsonArray();
        foreach (string t in tags)
        {
            tagArray.Add(t);
        }

        return new BsonDocument
        {
            ["_id"] = id,
            ["v"] = FloatsToBytes(row),
            ["tags"] = tagArray,
            ["pop"] = double.IsNegativeInfinity(popularityLog2) ? BsonValue.Null : new BsonValue(popularityLog2),
            ["imp"] = impressions,
            ["eng"] = engagements,
        };
    }

    /// <summary>A player's profile (without the per-item states, which are documents of their own: see <see cref="UserItem"/>).</summary>
    public static BsonDocument User(UserState user)
    {
        var consumedArray = new BsonArray();
        foreach (string c in user.Consumed)
        {
            consumedArray.Add(c);
        }

        return new BsonDocument
        {
            ["_id"] = user.Id,
            ["v"] = FloatsToBytes(user.Vector),
            ["last"] = user.LastTicks,
            ["n"] = user.InteractionCount,
            ["pos"] = user.PositiveCount,
            ["consumed"] = consumedArray,
        };
    }

    /// <summary>
    /// The key of a per-item state: the player id's length, a colon, then both ids (unambiguous whatever characters ids hold).
    /// </summary>
    public static string UserItemId(string userId, string itemId) =>
        userId.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + userId + itemId;

    /// <summary>
    /// One per-item state of a player, a document of its own: a Record rewrites this small document and the profile, never the
    /// player's whole history (which made every record cost kilobytes of log and let the commit lag grow under load).
    /// </summary>
    public static BsonDocument UserItem(string userId, string itemId, UserItemState st) => new BsonDocument
    {
        ["_id"] = UserItemId(userId, itemId),
        ["u"] = userId,
        ["i"] = itemId,
        ["w"] = (double)st.Weight,
        ["wt"] = st.WeightTicks,
        ["ig"] = st.Ignored,
        ["ls"] = st.LastShownTicks,
        ["cd"] = st.CooldownUntilTicks,
        ["lt"] = st.LastTouchTicks,
        ["s"] = st.Seq,
    };

    /// <summary>The remembered lists of a player (oldest first) and how many lists were shown.</summary>
    public static BsonDocument Recent(long calls, List<string[]> lists)
    {
        var array = new BsonArray();
        foreach (var list in lists)
        {
            var ids = new BsonArray();
            foreach (string id in list)
            {
                ids.Add(id);
            }

            array.Add(ids);
        }

        return new BsonDocument { ["calls"] = calls, ["lists"] = array };
    }

    public static bool TryReadRecent(BsonValue value, out long calls, out List<string[]> lists)
    {
        calls = 0;
        lists = new List<string[]>();
        if (!value.IsDocument)
        {
            return false;
        }

        calls = value.AsDocument["calls"].AsInt64;
        foreach (var list in value.AsDocument["lists"].AsArray)
        {
            lists.Add(ReadStrings(list));
        }

        return true;
    }

    /// <summary>Applies one per-item state document (or an entry of a format-1 "items" array) to the player.</summary>
    public static void ReadUserItem(BsonDocument doc, UserState user)
    {
        var st = user.Touch(doc["i"].AsString, doc["lt"].AsInt64);
        st.Weight = (float)doc["w"].AsDouble;
        st.WeightTicks = doc["wt"].AsInt64;
        st.Ignored = doc["ig"].AsInt32;
        st.LastShownTicks = doc["ls"].AsInt64;
        st.CooldownUntilTicks = doc["cd"].AsInt64;
    }

    /// <summary>
    /// Decodes and validates a player's per-item state documents, in their stored order (<see cref="UserItemState.Seq"/>); returns
    /// null when sound, else what is wrong.
    /// </summary>
    public static string? ReadUserItems(List<BsonDocument> docs, UserState user, out string itemId)
    {
        itemId = "?";
        docs.Sort(static (a, b) => a["s"].AsInt64.CompareTo(b["s"].AsInt64));
        foreach (var doc in docs)
        {
            string? error = ReadUserItem(doc, user, out itemId);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ReadUserItem(BsonDocument doc, UserState user, out string itemId)
    {
        itemId = doc["i"].IsString ? doc["i"].AsString : "?";
        if (!DocumentChecksum.Verify(doc) || !doc["s"].IsInt64)
        {
            return "fails its checksum";
        }

        ReadUserItem(doc, user);
        var st = user.Items[itemId];
        st.Seq = doc["s"].AsInt64;
        user.NextSeq = Math.Max(user.NextSeq, st.Seq + 1);
        if (float.IsNaN(st.Weight) || float.IsInfinity(st.Weight) || st.Ignored < 0)
        {
            return "is invalid";
        }

        return null;
    }

    /// <summary>
    /// A log row. Optional fields, present only when known (rows of earlier versions have none): "vr" the experiment variant,
    /// "src" the slot's <see cref="SuggestionSource"/> and "pr" its propensity, for an impression of a list the engine suggested.
    /// </summary>
    public static BsonDocument Interaction(long id, string userId, string itemId, int kind, double value, long ticks, in ShownContext shown)
    {
        var doc = new BsonDocument
        {
            ["_id"] = id,
            ["u"] = userId,
            ["i"] = itemId,
            ["k"] = kind,
            ["v"] = value,
            ["t"] = ticks,
        };
        if (shown.Variant is { Length: > 0 } variant)
        {
            doc["vr"] = variant;
        }

        if (shown.Source is { } source)
        {
            doc["src"] = (int)source;
        }

        if (shown.Propensity is { } propensity)
        {
            doc["pr"] = propensity;
        }

        return doc;
    }

    /// <summary>The optional policy fields of a log row (see <see cref="Interaction"/>).</summary>
    public static ShownContext ReadShown(BsonDocument doc) => new ShownContext(
        doc.TryGetValue("vr", out var vr) && vr.IsString ? vr.AsString : null,
        doc.TryGetValue("src", out var src) && src.IsInt32 && src.AsInt32 >= 0 && src.AsInt32 <= (int)SuggestionSource.Explore ? (SuggestionSource)src.AsInt32 : null,
        doc.TryGetValue("pr", out var pr) && pr.IsDouble && pr.AsDouble >= 0 && pr.AsDouble <= 1 ? pr.AsDouble : null);

    public static string[] ReadStrings(BsonValue value)
    {
        if (!value.IsArray)
        {
            return Array.Empty<string>();
        }

        var array = value.AsArray;
        var result = new string[array.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = array[i].AsString;
        }

        return result;
    }

    /// <summary>
    /// Decodes and validates an item document (checksum, vector length, unit or zero norm, finite values, counters); returns
    /// null when it is sound, else what is wrong. <paramref name="id"/> is set first, for the message.
    /// </summary>
    public static string? ReadItem(BsonDocument doc, Span<float> row, out string id, out string[] tags, out (double Pop, long Imp, long Eng) counters)
    {
        id = doc["_id"].IsString ? doc["_id"].AsString : "?";
        tags = Array.Empty<string>();
        counters = default;
        if (!DocumentChecksum.Verify(doc))
        {
            return "fails its checksum";
        }

        if (!doc["_id"].IsString || !TryBytesToFloats(doc["v"].IsBinary ? doc["v"].AsBinary : null, row))
        {
            return "has no id or a vector of the wrong size";
        }

        double norm2 = 0;
        foreach (float f in row)
        {
            if (float.IsNaN(f) || float.IsInfinity(f))
            {
                return "has a non-finite vector value";
            }

            norm2 += (double)f * f;
        }

        if (norm2 != 0 && Math.Abs(Math.Sqrt(norm2) - 1) > 1e-3)
        {
            return $"has a vector of norm {Math.Sqrt(norm2):G4} (stored vectors are unit length)";
        }

        var pop = doc["pop"];
        double popularity = pop.IsNull ? double.NegativeInfinity : pop.IsNumber ? pop.AsDouble : double.NaN;
        long imp = doc["imp"].IsNumber ? doc["imp"].AsInt64 : -1;
        long eng = doc["eng"].IsNumber ? doc["eng"].AsInt64 : -1;
        if (double.IsNaN(popularity) || double.IsPositiveInfinity(popularity) || imp < 0 || eng < 0)
        {
            return "has invalid counters";
        }

        tags = ReadStrings(doc["tags"]);
        counters = (popularity, imp, eng);
        return null;
    }

    /// <summary>Decodes and validates a player document; returns null when it is sound, else what is wrong.</summary>
    public static string? ReadUser(BsonDocument doc, int dimensions, out UserState user, out long calls, out List<string[]>? lists)
    {
        user = new UserState(doc["_id"].IsString ? doc["_id"].AsString : "?", dimensions);
        calls = 0;
        lists = null;
        if (!DocumentChecksum.Verify(doc))
        {
            return "fails its checksum";
        }

        if (!doc["_id"].IsString || !TryBytesToFloats(doc["v"].IsBinary ? doc["v"].AsBinary : null, user.Vector))
        {
            return "has no id or a vector of the wrong size";
        }

        foreach (float f in user.Vector)
        {
            if (float.IsNaN(f) || float.IsInfinity(f))
            {
                return "has a non-finite profile value";
            }
        }

        user.LastTicks = doc["last"].AsInt64;
        user.InteractionCount = doc["n"].AsInt64;
        user.PositiveCount = doc["pos"].AsInt64;
        if (user.LastTicks < 0 || user.InteractionCount < 0 || user.PositiveCount < 0 || user.PositiveCount > user.InteractionCount)
        {
            return "has invalid counters";
        }

        user.SetConsumed(ReadStrings(doc["consumed"]));

        if (TryReadRecent(doc["shown"], out calls, out var shown))
        {
            if (calls < 0)
            {
                return "has an invalid list memory";
            }

            lists = shown;
        }

        return null;
    }
}
