using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EmbeddedReco.Import;

/// <summary>One rejected line of an imported file.</summary>
public sealed class ImportError
{
    internal ImportError(long line, string message, string text)
    {
        Line = line;
        Message = message;
        Text = text;
    }

    /// <summary>The 1-based line number in the file (the header, if any, is line 1).</summary>
    public long Line { get; }

    /// <summary>What is wrong with the line.</summary>
    public string Message { get; }

    /// <summary>The start of the line (at most 200 characters).</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "line {0}: {1} [{2}]", Line, Message, Text);
}

/// <summary>
/// The outcome of an import: how many lines were read, imported, ignored on purpose (blank lines, values the mapping skips)
/// and rejected as malformed. Every malformed line is counted; the first <see cref="ImportResult.MaxErrorsKept"/> are kept with
/// their line numbers.
/// </summary>
public sealed class ImportResult
{
    /// <summary>How many malformed lines are kept in <see cref="Errors"/> (the count is always complete). 100.</summary>
    public const int MaxErrorsKept = 100;

    private readonly List<ImportError> errors = new();

    internal ImportResult()
    {
    }

    /// <summary>Lines read, including the header and blank lines.</summary>
    public long Lines { get; internal set; }

    /// <summary>Whether the first line was treated as a header.</summary>
    public bool HasHeader { get; internal set; }

    /// <summary>The field separator used.</summary>
    public char Separator { get; internal set; }

    /// <summary>Records produced (interactions or items).</summary>
    public long Imported { get; internal set; }

    /// <summary>Well-formed lines deliberately not imported (blank lines, values the mapping skips).</summary>
    public long Ignored { get; internal set; }

    /// <summary>Malformed lines (all of them, even beyond <see cref="MaxErrorsKept"/>).</summary>
    public long Malformed { get; internal set; }

    /// <summary>The first <see cref="MaxErrorsKept"/> malformed lines, in file order.</summary>
    public IReadOnlyList<ImportError> Errors => errors;

    /// <summary>A one-line summary followed by the kept errors, one per line.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(string.Format(
            CultureInfo.InvariantCulture,
            "{0} lines: {1} imported, {2} ignored, {3} malformed",
            Lines,
            Imported,
            Ignored,
            Malformed));
        foreach (var e in errors)
        {
            sb.Append('\n').Append(e);
        }

        if (Malformed > errors.Count)
        {
            sb.Append('\n').Append(string.Format(CultureInfo.InvariantCulture, "... and {0} more", Malformed - errors.Count));
        }

        return sb.ToString();
    }

    internal void AddError(long line, string message, string text)
    {
        Malformed++;
        if (errors.Count < MaxErrorsKept)
        {
            errors.Add(new ImportError(line, message, text.Length > 200 ? text.Substring(0, 200) : text));
        }
    }
}
