using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Text;
using LiteDB;

namespace EmbeddedReco.Storage;

/// <summary>
/// A checksum per stored document (field "crc"): LiteDB 5 has no page checksums, so a damaged page would otherwise load as a
/// wrong vector or count. XxHash64 over a canonical walk of the document (keys in ordinal order, each value with its type), so
/// the order in which LiteDB returns fields does not matter.
/// </summary>
internal static class DocumentChecksum
{
    public const string Field = "crc";

    /// <summary>Adds (or replaces) the checksum field; returns the document.</summary>
    public static BsonDocument Seal(BsonDocument doc)
    {
        doc[Field] = Compute(doc);
        return doc;
    }

    /// <summary>True when the document carries a checksum that matches its content.</summary>
    public static bool Verify(BsonDocument doc) =>
        doc.TryGetValue(Field, out var stored) && stored.IsInt64 && stored.AsInt64 == Compute(doc);

    public static long Compute(BsonDocument doc)
    {
        var hash = new XxHash64();
        AppendDocument(hash, doc, skipChecksum: true);
        return (long)hash.GetCurrentHashAsUInt64();
    }

    private static void AppendDocument(XxHash64 hash, BsonDocument doc, bool skipChecksum)
    {
        var keys = new List<string>(doc.Count);
        foreach (string key in doc.Keys)
        {
            if (!(skipChecksum && key == Field))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        AppendInt(hash, keys.Count);
        foreach (string key in keys)
        {
            AppendString(hash, key);
            AppendValue(hash, doc[key]);
        }
    }

    private static void AppendValue(XxHash64 hash, BsonValue value)
    {
        Span<byte> tag = stackalloc byte[1];
        tag[0] = (byte)value.Type;
        hash.Append(tag);
        switch (value.Type)
        {
            case BsonType.Int32:
                AppendInt(hash, value.AsInt32);
                break;
            case BsonType.Int64:
                AppendLong(hash, value.AsInt64);
                break;
            case BsonType.Double:
                AppendLong(hash, BitConverter.DoubleToInt64Bits(value.AsDouble));
                break;
            case BsonType.Boolean:
                AppendInt(hash, value.AsBoolean ? 1 : 0);
                break;
            case BsonType.String:
                AppendString(hash, value.AsString);
                break;
            case BsonType.Binary:
                AppendInt(hash, value.AsBinary.Length);
                hash.Append(value.AsBinary);
                break;
            case BsonType.DateTime:
                AppendLong(hash, value.AsDateTime.ToUniversalTime().Ticks);
                break;
            case BsonType.Array:
                var array = value.AsArray;
                AppendInt(hash, array.Count);
                foreach (var item in array)
                {
                    AppendValue(hash, item);
                }

                break;
            case BsonType.Document:
                AppendDocument(hash, value.AsDocument, skipChecksum: false);
                break;
            default:
                // Null, MinValue, MaxValue: the type tag says it all. Other types are not written by the engine.
                break;
        }
    }

    private static void AppendString(XxHash64 hash, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        AppendInt(hash, bytes.Length);
        hash.Append(bytes);
    }

    private static void AppendInt(XxHash64 hash, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        hash.Append(b);
    }

    private static void AppendLong(XxHash64 hash, long v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        hash.Append(b);
    }
}
