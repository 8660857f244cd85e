using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace EmbeddedReco.Import;

/// <summary>Line-by-line reading of delimited text: separator detection, RFC 4180 quoting (on one line), progress.</summary>
internal static class DelimitedText
{
    /// <summary>
    /// The non-blank lines of a reader with their 1-based numbers; counts every line in <see cref="ImportResult.Lines"/> and blank
    /// ones in <see cref="ImportResult.Ignored"/>, and checks for cancellation every 4,096 lines.
    /// </summary>
    public static IEnumerable<(long Number, string Text)> ContentLines(TextReader reader, ImportResult result, CancellationToken cancellationToken)
    {
        long number = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            number++;
            result.Lines = number;
            if ((number & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                result.Ignored++;
                continue;
            }

            yield return (number, line);
        }
    }

    /// <summary>Tab if the line has one, else comma, else semicolon, else comma.</summary>
    public static char DetectSeparator(string line) =>
        line.IndexOf('\t') >= 0 ? '\t' : line.IndexOf(',') >= 0 ? ',' : line.IndexOf(';') >= 0 ? ';' : ',';

    /// <summary>
    /// Splits one line into fields. A field that starts with a double quote runs to the matching quote ("" is a literal quote) and
    /// may contain separators; unquoted fields are trimmed. Returns an error message or null.
    /// </summary>
    public static string? Split(string line, char separator, List<string> fields)
    {
        fields.Clear();
        int i = 0;
        var sb = new StringBuilder();
        while (true)
        {
            // Skip leading spaces (not the separator itself).
            while (i < line.Length && line[i] == ' ' && separator != ' ')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                sb.Clear();
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    char c = line[i++];
                    if (c == '"')
                    {
                        if (i < line.Length && line[i] == '"')
                        {
                            sb.Append('"');
                            i++;
                        }
                        else
                        {
                            closed = true;
                            break;
                        }
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }

                if (!closed)
                {
                    return "unterminated quoted field";
                }

                while (i < line.Length && line[i] == ' ' && separator != ' ')
                {
                    i++;
                }

                fields.Add(sb.ToString());
                if (i == line.Length)
                {
                    return null;
                }

                if (line[i] != separator)
                {
                    return $"unexpected character '{line[i]}' after a quoted field at column {i + 1}";
                }

                i++;
                continue;
            }

            int end = line.IndexOf(separator, i);
            if (end < 0)
            {
                fields.Add(line.Substring(i).Trim());
                return null;
            }

            fields.Add(line.Substring(i, end - i).Trim());
            i = end + 1;
        }
    }

    public static bool TryParseDouble(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && !double.IsInfinity(value);

    /// <summary>Opens a UTF-8 file and hands a reader to <paramref name="read"/>, with byte-based progress (0..1) every 16k lines.</summary>
    public static void ReadFile(string path, IProgress<double>? progress, CancellationToken cancellationToken, Action<TextReader> read)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        if (progress == null)
        {
            read(reader);
            return;
        }

        long length = Math.Max(1, stream.Length);
        read(new ProgressReader(reader, () => progress.Report(Math.Min(1.0, (double)stream.Position / length)), cancellationToken));
        progress.Report(1.0);
    }

    /// <summary>A TextReader wrapper that calls back every 16,384 lines.</summary>
    private sealed class ProgressReader : TextReader
    {
        private readonly TextReader inner;
        private readonly Action report;
        private readonly CancellationToken cancellationToken;
        private int lines;

        public ProgressReader(TextReader inner, Action report, CancellationToken cancellationToken)
        {
            this.inner = inner;
            this.report = report;
            this.cancellationToken = cancellationToken;
        }

        public override string? ReadLine()
        {
            if ((++lines & 16383) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                report();
            }

            return inner.ReadLine();
        }

        public override int Peek() => inner.Peek();

        public override int Read() => inner.Read();
    }
}
