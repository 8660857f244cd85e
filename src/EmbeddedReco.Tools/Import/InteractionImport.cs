using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;

namespace EmbeddedReco.Import;

/// <summary>
/// Turns the value column of an interaction file into an interaction kind and value, or skips the row (counted as ignored).
/// Rows without a value column are mapped as value 1.
/// </summary>
public sealed class InteractionValueMapping
{
    private readonly Func<double, InteractionKind?> kindOf;

    private InteractionValueMapping(string description, Func<double, InteractionKind?> kindOf)
    {
        Description = description;
        this.kindOf = kindOf;
    }

    /// <summary>Every row is a <see cref="InteractionKind.Rating"/> with the value as its stars (the engine weighs it around
    /// <see cref="EngagementWeights.RatingNeutral"/>).</summary>
    public static InteractionValueMapping Rating { get; } = new("rating", _ => InteractionKind.Rating);

    /// <summary>A short description, e.g. "like if value >= 4".</summary>
    public string Description { get; }

    /// <summary>Rows whose value is at least <paramref name="threshold"/> become <see cref="InteractionKind.Like"/>; the others are ignored.</summary>
    /// <param name="threshold">The smallest value that counts as a like (4 on a 1-5 star scale), finite.</param>
    /// <returns>The mapping.</returns>
    public static InteractionValueMapping LikeAtOrAbove(double threshold)
    {
        if (double.IsNaN(threshold) || double.IsInfinity(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The like threshold must be finite.");
        }

        return new InteractionValueMapping(
            string.Format(CultureInfo.InvariantCulture, "like if value >= {0}", threshold),
            v => v >= threshold ? InteractionKind.Like : null);
    }

    /// <summary>Every row, whatever its value, becomes one interaction of <paramref name="kind"/> carrying the value
    /// (e.g. <see cref="InteractionKind.Click"/> for "any rating is engagement", <see cref="InteractionKind.Play"/> for seconds played).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The mapping.</returns>
    public static InteractionValueMapping Always(InteractionKind kind)
    {
        if (!Enum.IsDefined(typeof(InteractionKind), kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown interaction kind.");
        }

        return new InteractionValueMapping("always " + kind, _ => kind);
    }

    /// <summary>A custom mapping: return the kind for a value, or null to ignore the row. The value is passed on unchanged.</summary>
    /// <param name="description">A short description for reports.</param>
    /// <param name="kindOf">The mapping function.</param>
    /// <returns>The mapping.</returns>
    public static InteractionValueMapping Custom(string description, Func<double, InteractionKind?> kindOf) =>
        new(description ?? throw new ArgumentNullException(nameof(description)), kindOf ?? throw new ArgumentNullException(nameof(kindOf)));

    internal InteractionKind? Map(double value) => kindOf(value);

    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>Settings of <see cref="InteractionReader"/>.</summary>
public sealed class InteractionImportOptions
{
    /// <summary>The field separator; null (the default) detects it from the first line: tab, else comma, else semicolon.</summary>
    public char? Separator { get; set; }

    /// <summary>Whether the first line is a header; null (the default) detects it: the first line is a header when its third
    /// (value) field is not a number or, in a two-column file, when both fields are non-numeric words such as "userId,itemId".</summary>
    public bool? HasHeader { get; set; }

    /// <summary>How values become interactions. Default <see cref="InteractionValueMapping.Rating"/>.</summary>
    public InteractionValueMapping Mapping { get; set; } = InteractionValueMapping.Rating;
}

/// <summary>
/// Streams interaction files: one <c>user, item[, value[, timestamp]]</c> row per line, comma, tab or semicolon separated, with or
/// without a header (MovieLens <c>ratings.csv</c>, <c>u.data</c>, exported game logs). Timestamps are Unix seconds (all digits) or
/// ISO 8601 text; a missing timestamp leaves <see cref="Interaction.Timestamp"/> null. Values must be finite numbers.
/// Malformed rows are counted with their line numbers in the <see cref="ImportResult"/>, never silently dropped.
/// </summary>
public static class InteractionReader
{
    /// <summary>Reads interactions from a text reader and passes each one to <paramref name="sink"/>, in file order.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sink">Receives each interaction (e.g. <c>engine.Record</c> or a list's Add).</param>
    /// <param name="options">Settings; null means defaults.</param>
    /// <param name="cancellationToken">Cancels reading (checked every 16k lines).</param>
    /// <returns>The counts and errors.</returns>
    public static ImportResult Read(TextReader reader, Action<Interaction> sink, InteractionImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (reader is null)
        {
            throw new ArgumentNullException(nameof(reader));
        }

        if (sink is null)
        {
            throw new ArgumentNullException(nameof(sink));
        }

        options ??= new InteractionImportOptions();
        var mapping = options.Mapping ?? throw new ArgumentException("InteractionImportOptions.Mapping must not be null.", nameof(options));
        var result = new ImportResult();
        var fields = new List<string>(4);
        bool first = true;
        foreach (var (lineNo, line) in DelimitedText.ContentLines(reader, result, cancellationToken))
        {

            if (first)
            {
                first = false;
                result.Separator = options.Separator ?? DelimitedText.DetectSeparator(line);
                string? headerError = DelimitedText.Split(line, result.Separator, fields);
                result.HasHeader = options.HasHeader ?? (headerError == null && LooksLikeHeader(fields));
                if (result.HasHeader)
                {
                    continue;
                }
            }

            string? error = DelimitedText.Split(line, result.Separator, fields);
            if (error == null)
            {
                error = Parse(fields, mapping, out var interaction, out bool ignored);
                if (error == null)
                {
                    if (ignored)
                    {
                        result.Ignored++;
                    }
                    else
                    {
                        sink(interaction);
                        result.Imported++;
                    }

                    continue;
                }
            }

            result.AddError(lineNo, error, line);
        }

        return result;
    }

    /// <summary>Reads a UTF-8 interaction file; see <see cref="Read(TextReader, Action{Interaction}, InteractionImportOptions?, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="sink">Receives each interaction.</param>
    /// <param name="options">Settings; null means defaults.</param>
    /// <param name="progress">Optional progress, the fraction of the file's bytes read (0..1).</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="System.IO.IOException">The file cannot be opened or read (missing file or folder, a directory, an I/O error);
    /// <see cref="System.IO.FileNotFoundException"/> and <see cref="System.IO.DirectoryNotFoundException"/> are subtypes.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied.</exception>
    public static ImportResult ReadFile(
        string path, Action<Interaction> sink, InteractionImportOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ImportResult? result = null;
        DelimitedText.ReadFile(path, progress, cancellationToken, r => result = Read(r, sink, options, cancellationToken));
        return result!;
    }

    private static bool LooksLikeHeader(List<string> fields)
    {
        if (fields.Count < 2)
        {
            return false;
        }

        // A data row has a numeric value column (when present); ids may be text, so only the value decides when it exists.
        if (fields.Count >= 3)
        {
            return !DelimitedText.TryParseDouble(fields[2], out _);
        }

        return !DelimitedText.TryParseDouble(fields[0], out _) && !DelimitedText.TryParseDouble(fields[1], out _)
            && IsHeaderWord(fields[0]) && IsHeaderWord(fields[1]);
    }

    private static bool IsHeaderWord(string s)
    {
        string l = s.ToUpperInvariant();
        return l.Contains("USER") || l.Contains("ITEM") || l.Contains("PLAYER") || l.Contains("MOVIE") || l.Contains("GAME") || l.EndsWith("ID", StringComparison.Ordinal);
    }

    private static string? Parse(List<string> f, InteractionValueMapping mapping, out Interaction interaction, out bool ignored)
    {
        interaction = default;
        ignored = false;
        if (f.Count < 2 || f.Count > 4)
        {
            return $"expected 2 to 4 fields (user, item[, value[, timestamp]]) but found {f.Count}";
        }

        if (f[0].Length == 0)
        {
            return "the user id is empty";
        }

        if (f[1].Length == 0)
        {
            return "the item id is empty";
        }

        double value = 1;
        if (f.Count >= 3 && !DelimitedText.TryParseDouble(f[2], out value))
        {
            return $"the value '{f[2]}' is not a finite number";
        }

        DateTimeOffset? timestamp = null;
        if (f.Count == 4 && f[3].Length > 0)
        {
            if (!TryParseTimestamp(f[3], out var t))
            {
                return $"the timestamp '{f[3]}' is neither Unix seconds nor an ISO 8601 date";
            }

            timestamp = t;
        }

        var kind = mapping.Map(value);
        if (kind is null)
        {
            ignored = true;
            return null;
        }

        // The engine's bounds (RecoEngine.Record would throw): reported as a malformed line instead.
        if (kind.Value == InteractionKind.Play && (value < 0 || value > Interaction.MaxPlaySeconds))
        {
            return string.Format(CultureInfo.InvariantCulture, "the play time {0} s is outside 0 to {1} (Interaction.MaxPlaySeconds)", value, Interaction.MaxPlaySeconds);
        }

        if (kind.Value == InteractionKind.Rating && (value < 0 || value > Interaction.MaxRatingStars))
        {
            return string.Format(CultureInfo.InvariantCulture, "the rating {0} is outside 0 to {1} (Interaction.MaxRatingStars)", value, Interaction.MaxRatingStars);
        }

        interaction = new Interaction(f[0], f[1], kind.Value, value, timestamp);
        return null;
    }

    private static bool TryParseTimestamp(string s, out DateTimeOffset value)
    {
        bool digits = s.Length > 0;
        foreach (char c in s)
        {
            digits &= c >= '0' && c <= '9';
        }

        if (digits)
        {
            if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= 253402300799L)
            {
                value = DateTimeOffset.FromUnixTimeSeconds(seconds);
                return true;
            }

            value = default;
            return false;
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
