using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace EmbeddedReco.Export;

/// <summary>Keyed pseudonyms of player ids for one export batch (one HMAC instance, a cache per distinct id).</summary>
internal sealed class Pseudonymizer : IDisposable
{
    private readonly HMACSHA256 _hmac;
    private readonly Dictionary<string, string> _cache = new Dictionary<string, string>(StringComparer.Ordinal);

    public Pseudonymizer(byte[] key)
    {
        _hmac = new HMACSHA256((byte[])key.Clone());
    }

    public string Of(string userId)
    {
        if (!_cache.TryGetValue(userId, out var p))
        {
            p = Hex(_hmac, userId);
            _cache.Add(userId, p);
        }

        return p;
    }

    public void Dispose() => _hmac.Dispose();

    internal static string Hex(HMACSHA256 hmac, string userId)
    {
        byte[] hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(userId));
        var chars = new char[33];
        chars[0] = 'p';
        const string Digits = "0123456789abcdef";
        for (int i = 0; i < 16; i++)
        {
            chars[1 + (2 * i)] = Digits[hash[i] >> 4];
            chars[2 + (2 * i)] = Digits[hash[i] & 15];
        }

        return new string(chars);
    }
}
