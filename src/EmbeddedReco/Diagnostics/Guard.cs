using System;
using System.Text;

namespace EmbeddedReco.Diagnostics;

/// <summary>Argument checks shared by the public API: every bad input throws before any state changes.</summary>
internal static class Guard
{
    public static void Id(string? id, string paramName, int maxBytes, string what)
    {
        if (id is null)
        {
            throw new ArgumentNullException(paramName, $"The {what} id must not be null.");
        }

        if (id.Length == 0 || IsAllWhiteSpace(id))
        {
            throw new ArgumentException($"The {what} id must not be empty or white space.", paramName);
        }

        // Cheap upper bound first: a UTF-8 char is at most 3 bytes per UTF-16 unit.
        if (id.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount(id) > maxBytes)
        {
            throw new ArgumentException(
                $"The {what} id is {Encoding.UTF8.GetByteCount(id)} UTF-8 bytes long; the limit is {maxBytes} (RecoEngineOptions.MaxIdBytes).",
                paramName);
        }
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

    private static bool IsAllWhiteSpace(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }
}
