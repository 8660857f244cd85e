using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedReco.Snapshots;
using EmbeddedReco.Storage;
using MessagePack;

namespace EmbeddedReco.Export;

/// <summary>Writes and reads the event export format (see <see cref="EventExport"/>). Reading treats the bytes as untrusted.</summary>
internal static class EventFile
{
    /// <summary>The largest export file read (a batch of <see cref="EventExportOptions.MaxAllowedRows"/> rows with long ids fits).</summary>
    public const long MaxFileBytes = 1L << 30;

    private const int RowFieldsV1 = 6;
    private const int RowFields = 9; // version 2: id, player, item, kind, value, ticks, variant, source, propensity (the last three nil when unknown)

    public static void Write(Stream destination, IReadOnlyList<ExportedEvent> rows, byte[]? pseudonymKey)
    {
        using var buffer = new PooledBufferWriter(64 + (rows.Count * 48));
        using var pseudonyms = pseudonymKey is null ? null : new Pseudonymizer(pseudonymKey);
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(4);
        w.Write("format");
        w.Write(EventExport.FormatName);
        w.Write("version");
        w.Write(EventExport.FormatVersion);
        w.Write("count");
        w.Write(rows.Count);
        w.Write("pseudonymized");
        w.Write(pseudonyms is not null);
        foreach (var row in rows)
        {
            w.WriteArrayHeader(RowFields);
            w.Write(row.Id);
            w.Write(pseudonyms is null ? row.UserId : pseudonyms.Of(row.UserId));
            w.Write(row.ItemId);
            w.Write((int)row.Kind);
            w.Write(row.Value);
            w.Write(row.Ticks);
            if (row.Variant is null)
            {
                w.WriteNil();
            }
            else
            {
                w.Write(row.Variant);
            }

            if (row.Source is { } source)
            {
                w.Write((int)source);
            }
            else
            {
                w.WriteNil();
            }

            if (row.Propensity is { } propensity)
            {
                w.Write(propensity);
            }
            else
            {
                w.WriteNil();
            }
        }

        w.Flush();
        var span = buffer.WrittenSpan;
        destination.Write(span);
    }

    /// <summary>Reads every batch of a file's bytes, calling <paramref name="row"/> per row; throws <see cref="InvalidDataException"/> on a malformed file.</summary>
    public static int Read(ReadOnlyMemory<byte> bytes, Action<ExportedEvent> row)
    {
        var r = new MessagePackReader(bytes);
        int total = 0;
        try
        {
            while (!r.End)
            {
                int count = ReadHeader(ref r, out int version);
                int fields = version == 1 ? RowFieldsV1 : RowFields;
                for (int i = 0; i < count; i++)
                {
                    if (r.ReadArrayHeader() != fields)
                    {
                        throw new InvalidDataException($"An event row of version {version} does not have {fields} fields.");
                    }

                    long id = r.ReadInt64();
                    string user = r.ReadString() ?? throw new InvalidDataException("An event row has no player id.");
                    string item = r.ReadString() ?? throw new InvalidDataException("An event row has no item id.");
                    int kind = r.ReadInt32();
                    double value = r.ReadDouble();
                    long ticks = r.ReadInt64();
                    if (kind < 0 || kind >= InteractionKinds.Count || double.IsNaN(value) || double.IsInfinity(value))
                    {
                        throw new InvalidDataException($"Event row {id} has an unknown kind ({kind}) or a non-finite value.");
                    }

                    var shown = fields == RowFields ? ReadShown(ref r, id) : default;
                    row(new ExportedEvent(id, user, item, (InteractionKind)kind, value, ticks, shown));
                    total++;
                }
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException || ex is EndOfStreamException || ex is OverflowException)
        {
            throw new InvalidDataException($"The event file is malformed: {ex.Message}", ex);
        }

        return total;
    }

    /// <summary>Reads a whole file (up to <see cref="MaxFileBytes"/>) and its rows.</summary>
    public static int ReadFile(string path, Action<ExportedEvent> row)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"The event file '{path}' has {info.Length} bytes; the limit is {MaxFileBytes}.");
        }

        return Read(File.ReadAllBytes(path), row);
    }

    /// <summary>The variant, source and propensity of a version-2 row (each nil when unknown).</summary>
    private static ShownContext ReadShown(ref MessagePackReader r, long id)
    {
        string? variant = r.TryReadNil() ? null : r.ReadString();
        SuggestionSource? source = null;
        if (!r.TryReadNil())
        {
            int s = r.ReadInt32();
            if (s < 0 || s > (int)SuggestionSource.Explore)
            {
                throw new InvalidDataException($"Event row {id} has an unknown source ({s}).");
            }

            source = (SuggestionSource)s;
        }

        double? propensity = null;
        if (!r.TryReadNil())
        {
            double p = r.ReadDouble();
            if (!(p >= 0 && p <= 1))
            {
                throw new InvalidDataException($"Event row {id} has a propensity outside 0..1 ({p}).");
            }

            propensity = p;
        }

        return new ShownContext(variant, source, propensity);
    }

    private static int ReadHeader(ref MessagePackReader r, out int version)
    {
        int fields = r.ReadMapHeader();
        int count = -1;
        string? format = null;
        version = 0;
        for (int f = 0; f < fields; f++)
        {
            switch (r.ReadString())
            {
                case "format":
                    format = r.ReadString();
                    break;
                case "version":
                    version = r.ReadInt32();
                    break;
                case "count":
                    count = r.ReadInt32();
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        if (format != EventExport.FormatName || version < 1 || version > EventExport.FormatVersion || count < 0 || count > EventExportOptions.MaxAllowedRows)
        {
            throw new InvalidDataException($"Not an EmbeddedReco event batch of version 1 to {EventExport.FormatVersion} (format '{format}', version {version}, count {count}).");
        }

        return count;
    }
}
