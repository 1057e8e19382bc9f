using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Vigie.Server.Security;

/// <summary>
/// The API keys ingestion accepts (<c>--api-key</c>, <c>VIGIE_API_KEYS</c>, <c>api_keys:</c>). None
/// configured: every request is accepted.
/// </summary>
/// <remarks>
/// Keys are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// against every configured key without stopping early: the time taken says nothing about how much
/// of a guess was right, nor about the keys' lengths.
/// </remarks>
public sealed class ApiKeys
{
    private readonly byte[][] _digests;

    public ApiKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _digests = [.. keys.Where(k => k.Length > 0).Select(Digest)];
    }

    /// <summary>True when at least one key is configured: requests must then present one.</summary>
    public bool Required => _digests.Length > 0;

    /// <summary>Whether <paramref name="presented"/> is one of the keys (always true when none is configured).</summary>
    public bool Accepts(string? presented)
    {
        if (!Required)
        {
            return true;
        }
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        var digest = Digest(presented);
        var match = false;
        foreach (var d in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(d, digest);
        }
        return match;
    }

    /// <summary>The token of an <c>Authorization: Bearer TOKEN</c> header, or null.</summary>
    public static string? Bearer(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
