using System;

namespace EmbeddedReco.Diagnostics;

/// <summary>What makes a string unfit to be stored (as a LiteDB key or value), found by <see cref="Guard.Inspect"/>.</summary>
internal enum TextProblem
{
    /// <summary>The string can be stored.</summary>
    None,

    /// <summary>Empty or white space only.</summary>
    Empty,

    /// <summary>An unpaired UTF-16 surrogate: ill-formed UTF-16, which has no UTF-8 encoding (LiteDB's encoder throws on it).</summary>
    UnpairedSurrogate,

    /// <summary>More UTF-8 bytes than the limit.</summary>
    TooLong,
}

/// <summary>Argument checks shared by the public API: every bad input throws before any state changes.</summary>
internal static class Guard
{
    /// <summary>Checks an id (user, item, variant): not null, not blank, well-formed UTF-16, at most <paramref name="maxBytes"/> UTF-8 bytes.
    /// Allocation-free unless it throws.</summary>
    public static void Id(string? id, string paramName, int maxBytes, string what)
    {
        if (id is null)
        {
            throw new ArgumentNullException(paramName, $"The {what} id must not be null.");
        }

        var problem = Inspect(id, maxBytes, out int position);
        if (problem != TextProblem.None)
        {
            throw new ArgumentException(Describe(problem, $"The {what} id", id, maxBytes, position, "RecoEngineOptions.MaxIdBytes"), paramName);
        }
    }

    /// <summary>The message for a string <see cref="Inspect"/> rejected; <paramref name="subject"/> starts it ("The item id").</summary>
    public static string Describe(TextProblem problem, string subject, string value, int maxBytes, int position, string limitName) => problem switch
    {
        TextProblem.Empty => $"{subject} must not be empty or white space.",
        TextProblem.UnpairedSurrogate =>
            $"{subject} has an unpaired UTF-16 surrogate (U+{(int)value[position]:X4}) at index {position}: it is not well-formed Unicode and cannot be stored as UTF-8.",
        TextProblem.TooLong => $"{subject} is {Utf8ByteCount(value)} UTF-8 bytes long; the limit is {maxBytes} ({limitName}).",
        _ => $"{subject} is valid.",
    };

    /// <summary>
    /// One pass over the UTF-16 units: the exact UTF-8 length (1 byte below U+0080, 2 below U+0800, 4 for a surrogate pair, 3
    /// otherwise), the first unpaired surrogate (<paramref name="position"/>) and whether any unit is not white space. Allocates
    /// nothing. A string longer than <paramref name="maxBytes"/> units is too long without a scan (each unit is at least one byte).
    /// </summary>
    public static TextProblem Inspect(string value, int maxBytes, out int position)
    {
        position = -1;
        if (value.Length == 0)
        {
            return TextProblem.Empty;
        }

        if (value.Length > maxBytes)
        {
            return TextProblem.TooLong;
        }

        int bytes = 0;
        bool blank = true;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (blank && !char.IsWhiteSpace(c))
            {
                blank = false;
            }

            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (c < 0xD800 || c > 0xDFFF)
            {
                bytes += 3;
            }
            else if (c <= 0xDBFF && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                bytes += 4;
                i++;
            }
            else
            {
                position = i;
                return TextProblem.UnpairedSurrogate;
            }
        }

        if (blank)
        {
            return TextProblem.Empty;
        }

        return bytes > maxBytes ? TextProblem.TooLong : TextProblem.None;
    }

    /// <summary>The UTF-8 length of a string, an unpaired surrogate counted as its 3-byte replacement character (for messages).</summary>
    public static long Utf8ByteCount(string value)
    {
        long bytes = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += 3;
            }
        }

        return bytes;
    }

    public static void Vector(ReadOnlySpan<float> vector, int dimensions, string paramName, string what)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException(
                $"The feature vector of {what} has {vector.Length} values; the engine has {dimensions} dimensions.", paramName);
        }

        for (int i = 0; i < vector.Length; i++)
        {
            if (!IsFinite(vector[i]))
            {
                throw new ArgumentException(
                    $"The feature vector of {what} has a non-finite value ({vector[i]}) at index {i}.", paramName);
            }
        }
    }

    public static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);

    public static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);
}
