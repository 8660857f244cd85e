using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace EmbeddedReco.Import;

/// <summary>Items read from a feature file, ready for <c>engine.UpsertItems</c>.</summary>
public sealed class ItemImport
{
    internal ItemImport(IReadOnlyList<ItemDefinition> items, IReadOnlyList<string> featureNames, IReadOnlyDictionary<string, string> titles, ImportResult result)
    {
        Items = items;
        FeatureNames = featureNames;
        Titles = titles;
        Result = result;
    }

    /// <summary>The items, in file order. Every vector has <see cref="FeatureNames"/>.Count values.</summary>
    public IReadOnlyList<ItemDefinition> Items { get; }

    /// <summary>The name of each vector position (the genre vocabulary, or the header's column names, or "f1".."fn").</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Item titles by id, when the file has them (MovieLens); empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> Titles { get; }

    /// <summary>Counts and malformed lines.</summary>
    public ImportResult Result { get; }
}

/// <summary>
/// Reads item feature files into <see cref="ItemDefinition"/>s: MovieLens <c>movies.csv</c> (genres become a multi-hot vector over
/// the genre vocabulary, and tags), or a generic <c>id, f1, ..., fn</c> file of numbers. Duplicate ids are malformed lines
/// (the first occurrence wins).
/// </summary>
public static class ItemFeatureReader
{
    /// <summary>
    /// Reads MovieLens <c>movies.csv</c>: <c>movieId,title,genres</c> with a header, titles possibly quoted (containing commas),
    /// genres separated by '|'. The vocabulary is every genre seen, in ordinal order; "(no genres listed)" means none (a zero vector).
    /// </summary>
    /// <param name="reader">The text.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The items, the genre vocabulary and titles.</returns>
    public static ItemImport ReadMovieLensMovies(TextReader reader, CancellationToken cancellationToken = default)
    {
        if (reader is null)
        {
            throw new ArgumentNullException(nameof(reader));
        }

        var result = new ImportResult { Separator = ',' };
        var rows = new List<(string Id, string[] Genres)>();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        var fields = new List<string>(3);
        foreach (var (lineNo, line) in DelimitedText.ContentLines(reader, result, cancellationToken))
        {

            string? error = DelimitedText.Split(line, ',', fields);
            if (lineNo == 1 && error == null && fields.Count > 0 && string.Equals(fields[0], "movieId", StringComparison.OrdinalIgnoreCase))
            {
                result.HasHeader = true;
                continue;
            }

            if (error == null && fields.Count != 3)
            {
                error = $"expected 3 fields (movieId, title, genres) but found {fields.Count}";
            }

            if (error == null && fields[0].Length == 0)
            {
                error = "the movie id is empty";
            }

            if (error == null && firstLine.TryGetValue(fields[0], out long earlier))
            {
                error = $"duplicate id '{fields[0]}' (first on line {earlier})";
            }

            if (error != null)
            {
                result.AddError(lineNo, error, line);
                continue;
            }

            string genresText = fields[2];
            string[] genres = genresText.Length == 0 || genresText.StartsWith("(no genres", StringComparison.OrdinalIgnoreCase)
                ? Array.Empty<string>()
                : genresText.Split('|').Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
            firstLine.Add(fields[0], lineNo);
            titles.Add(fields[0], fields[1]);
            rows.Add((fields[0], genres));
        }

        var vocabulary = rows.SelectMany(r => r.Genres).Distinct(StringComparer.Ordinal).OrderBy(g => g, StringComparer.Ordinal).ToArray();
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Length; i++)
        {
            position.Add(vocabulary[i], i);
        }

        var items = new List<ItemDefinition>(rows.Count);
        foreach (var (id, genres) in rows)
        {
            var v = new float[vocabulary.Length];
            foreach (var g in genres)
            {
                v[position[g]] = 1f;
            }

            items.Add(new ItemDefinition(id, v, genres));
        }

        result.Imported = items.Count;
        return new ItemImport(items, vocabulary, titles, result);
    }

    /// <summary>
    /// Reads a generic feature file: <c>id, f1, ..., fn</c>, every f a finite number, the same n on every line (taken from the
    /// header or the first data line). Comma, tab or semicolon separated (detected when <paramref name="separator"/> is null);
    /// the header is detected (its second field is not a number) when <paramref name="hasHeader"/> is null.
    /// </summary>
    /// <param name="reader">The text.</param>
    /// <param name="separator">The separator, or null (the default) to detect it.</param>
    /// <param name="hasHeader">Whether the first line is a header, or null (the default) to detect it.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The items (no tags) and the feature names (header names or "f1".."fn").</returns>
    public static ItemImport ReadFeatureCsv(TextReader reader, char? separator = null, bool? hasHeader = null, CancellationToken cancellationToken = default)
    {
        if (reader is null)
        {
            throw new ArgumentNullException(nameof(reader));
        }

        var result = new ImportResult();
        var items = new List<ItemDefinition>();
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        var fields = new List<string>();
        string[]? names = null;
        int width = -1;
        bool first = true;
        foreach (var (lineNo, line) in DelimitedText.ContentLines(reader, result, cancellationToken))
        {

            if (first)
            {
                first = false;
                result.Separator = separator ?? DelimitedText.DetectSeparator(line);
                string? headerError = DelimitedText.Split(line, result.Separator, fields);
                result.HasHeader = hasHeader ?? (headerError == null && fields.Count >= 2 && !DelimitedText.TryParseDouble(fields[1], out _));
                if (result.HasHeader)
                {
                    if (headerError != null || fields.Count < 2)
                    {
                        result.AddError(lineNo, headerError ?? "the header needs an id column and at least one feature column", line);
                        continue;
                    }

                    names = fields.Skip(1).ToArray();
                    width = names.Length;
                    continue;
                }
            }

            string? error = CheckFeatureLine(DelimitedText.Split(line, result.Separator, fields), fields, width, firstLine, out float[]? v);
            if (error != null)
            {
                result.AddError(lineNo, error, line);
                continue;
            }

            width = v!.Length;
            firstLine.Add(fields[0], lineNo);
            items.Add(new ItemDefinition(fields[0], v));
        }

        names ??= DefaultFeatureNames(width);
        result.Imported = items.Count;
        return new ItemImport(items, names, new Dictionary<string, string>(StringComparer.Ordinal), result);
    }

    /// <summary>Checks one split data line of a feature file (after any split error) and parses its features; returns the first error or null.</summary>
    private static string? CheckFeatureLine(string? error, List<string> fields, int width, Dictionary<string, long> firstLine, out float[]? v)
    {
        if (error == null && fields.Count < 2)
        {
            error = "expected an id and at least one feature";
        }

        if (error == null && width >= 0 && fields.Count - 1 != width)
        {
            error = $"expected {width} features but found {fields.Count - 1}";
        }

        if (error == null && fields[0].Length == 0)
        {
            error = "the item id is empty";
        }

        if (error == null && firstLine.TryGetValue(fields[0], out long earlier))
        {
            error = $"duplicate id '{fields[0]}' (first on line {earlier})";
        }

        v = null;
        if (error == null)
        {
            v = new float[fields.Count - 1];
            for (int i = 1; i < fields.Count; i++)
            {
                if (!DelimitedText.TryParseDouble(fields[i], out double d) || float.IsInfinity((float)d))
                {
                    error = $"feature {i} ('{fields[i]}') is not a finite number";
                    break;
                }

                v[i - 1] = (float)d;
            }
        }

        return error;
    }

    /// <summary>The feature names "f1".."fn" used when the file has no header.</summary>
    private static string[] DefaultFeatureNames(int width)
    {
        var names = new string[Math.Max(0, width)];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = "f" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }

    /// <summary>Reads MovieLens <c>movies.csv</c> from a UTF-8 file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="progress">Optional progress (fraction of bytes read).</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>See <see cref="ReadMovieLensMovies(TextReader, CancellationToken)"/>.</returns>
    /// <exception cref="System.IO.IOException">The file cannot be opened or read (missing file or folder, a directory, an I/O error);
    /// <see cref="System.IO.FileNotFoundException"/> and <see cref="System.IO.DirectoryNotFoundException"/> are subtypes.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied.</exception>
    public static ItemImport ReadMovieLensMoviesFile(string path, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ItemImport? import = null;
        DelimitedText.ReadFile(path, progress, cancellationToken, r => import = ReadMovieLensMovies(r, cancellationToken));
        return import!;
    }

    /// <summary>Reads a generic <c>id, f1, ..., fn</c> UTF-8 file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The separator, or null (the default) to detect it.</param>
    /// <param name="hasHeader">Whether the first line is a header, or null (the default) to detect it.</param>
    /// <param name="progress">Optional progress (fraction of bytes read).</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>See <see cref="ReadFeatureCsv(TextReader, char?, bool?, CancellationToken)"/>.</returns>
    /// <exception cref="System.IO.IOException">The file cannot be opened or read (missing file or folder, a directory, an I/O error);
    /// <see cref="System.IO.FileNotFoundException"/> and <see cref="System.IO.DirectoryNotFoundException"/> are subtypes.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied.</exception>
    public static ItemImport ReadFeatureCsvFile(
        string path, char? separator = null, bool? hasHeader = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ItemImport? import = null;
        DelimitedText.ReadFile(path, progress, cancellationToken, r => import = ReadFeatureCsv(r, separator, hasHeader, cancellationToken));
        return import!;
    }
}
