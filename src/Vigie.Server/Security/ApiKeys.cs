using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Vigie.Server.Security;

/// <summary>
/// The API keys ingestion accepts (<c>--api-key</c>, <c>VIGIE_API_KEYS</c>, <c>api_keys:</c>). None
/// configured: every request is accepted.
/// </summary>
/// <remarks>
/// Senders present a key the way their own protocol's clients do (<see cref="Presented"/>), so that a
/// shipper configured for Elasticsearch, Loki, OTLP or Seq needs no change beyond the key itself.
/// </remarks>
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
    private static string? Bearer(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    /// <summary>Whether the request presents one of the keys (always true when none is configured).</summary>
    public bool AcceptsRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Required)
        {
            return true;
        }
        var accepted = false;
        foreach (var candidate in Presented(request))
        {
            accepted |= Accepts(candidate);
        }
        return accepted;
    }

    /// <summary>
    /// The keys a request may be presenting, in the forms shippers send credentials: <c>Authorization:
    /// Bearer KEY</c> (OTLP exporters, Promtail, Vector, the agent); <c>Authorization: Basic</c> with the
    /// key as password (Logstash, Filebeat, Promtail/Alloy <c>basic_auth</c>, rsyslog, syslog-ng);
    /// <c>Authorization: ApiKey</c> with the key or base64 of <c>id:KEY</c> (Elasticsearch clients,
    /// Filebeat <c>api_key</c>; a raw key may itself look like base64, so both readings are candidates);
    /// <c>X-Seq-ApiKey</c> or <c>?apiKey=</c> (Seq clients).
    /// </summary>
    public static IReadOnlyList<string> Presented(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = new List<string>(2);
        var header = request.Headers.Authorization.ToString().Trim();
        if (Bearer(request) is { Length: > 0 } bearer)
        {
            candidates.Add(bearer);
        }
        else if (Credential(header, "Basic ") is { } basic)
        {
            // user:password, the key being the password (or the user, for clients that only take one).
            var colon = basic.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                candidates.Add(colon == basic.Length - 1 ? basic[..colon] : basic[(colon + 1)..]);
            }
        }
        else if (header.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
        {
            candidates.Add(header["ApiKey ".Length..].Trim());
            if (Credential(header, "ApiKey ") is { } decoded && decoded.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                candidates.Add(decoded[(colon + 1)..]);
            }
        }
        if (request.Headers["X-Seq-ApiKey"].ToString() is { Length: > 0 } seq)
        {
            candidates.Add(seq);
        }
        if (request.Query["apiKey"].ToString() is { Length: > 0 } query)
        {
            candidates.Add(query);
        }
        return candidates;
    }

    /// <summary>True when the request carries some credential, right or wrong (to word the 401).</summary>
    public static bool PresentsAny(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey("X-Seq-ApiKey") || request.Query.ContainsKey("apiKey");
    }

    /// <summary>The base64 payload of <paramref name="header"/> after <paramref name="scheme"/>, as UTF-8 text; null when not that scheme or not base64.</summary>
    private static string? Credential(string header, string scheme)
    {
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var payload = header[scheme.Length..].Trim();
        var bytes = new byte[payload.Length];
        return Convert.TryFromBase64String(payload, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
