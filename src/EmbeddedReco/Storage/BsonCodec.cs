using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
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
    public const string MetaCollection = "meta";
    public const int StorageFormatVersion = 1;

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

    public static BsonDocument Meta(int dimensions) => new BsonDocument
    {
        ["_id"] = "meta",
        ["dims"] = dimensions,
        ["format"] = StorageFormatVersion,
    };

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

    public static BsonDocument User(
        string id,
        ReadOnlySpan<float> vector,
        long lastTicks,
        long count,
        long positive,
        IEnumerable<string> consumed,
        IEnumerable<KeyValuePair<string, UserItemState>> items)
    {
        var consumedArray = new BsonArray();
        foreach (string c in consumed)
        {
            consumedArray.Add(c);
        }

        var itemArray = new BsonArray();
        foreach (var pair in items)
        {
            var st = pair.Value;
            itemArray.Add(new BsonDocument
            {
                ["i"] = pair.Key,
                ["w"] = (double)st.Weight,
                ["wt"] = st.WeightTicks,
                ["ig"] = st.Ignored,
                ["ls"] = st.LastShownTicks,
                ["cd"] = st.CooldownUntilTicks,
                ["lt"] = st.LastTouchTicks,
            });
        }

        return new BsonDocument
        {
            ["_id"] = id,
            ["v"] = FloatsToBytes(vector),
            ["last"] = lastTicks,
            ["n"] = count,
            ["pos"] = positive,
            ["consumed"] = consumedArray,
            ["items"] = itemArray,
        };
    }

    public static void ReadUserItems(BsonValue value, UserState user)
    {
        if (!value.IsArray)
        {
            return;
        }

        foreach (var entry in value.AsArray)
        {
            var doc = entry.AsDocument;
            var st = user.Touch(doc["i"].AsString, doc["lt"].AsInt64);
            st.Weight = (float)doc["w"].AsDouble;
            st.WeightTicks = doc["wt"].AsInt64;
            st.Ignored = doc["ig"].AsInt32;
            st.LastShownTicks = doc["ls"].AsInt64;
            st.CooldownUntilTicks = doc["cd"].AsInt64;
        }
    }

    public static BsonDocument Interaction(string userId, string itemId, int kind, double value, long ticks) => new BsonDocument
    {
        ["u"] = userId,
        ["i"] = itemId,
        ["k"] = kind,
        ["v"] = value,
        ["t"] = ticks,
    };

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
}
