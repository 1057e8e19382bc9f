using Microsoft.AspNetCore.Http;
using Vigie.Ingestion;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>Reads a whole (decompressed) request body, up to a limit: protocol bodies are parsed in one piece.</summary>
internal static class WholeRequestBody
{
    /// <exception cref="BodyTooLargeException">More than <paramref name="maxBytes"/> bytes.</exception>
    /// <exception cref="UnsupportedContentEncodingException">An unknown <c>Content-Encoding</c>.</exception>
    /// <exception cref="InvalidDataException">A compressed body that does not decompress.</exception>
    public static async Task<ArraySegment<byte>> ReadAsync(HttpContext http, long maxBytes)
    {
        await using var body = ContentDecoding.Wrap(http.Request.Body, http.Request.Headers.ContentEncoding.ToString());
        var length = http.Request.ContentLength is { } declared && declared <= maxBytes ? (int)declared : 16 * 1024;
        var buffer = new byte[Math.Max(length, 1024)];
        var used = 0;
        while (true)
        {
            if (used == buffer.Length)
            {
                if (buffer.Length >= maxBytes)
                {
                    throw new BodyTooLargeException(maxBytes, 0);
                }
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1));
            }
            var n = await body.ReadAsync(buffer.AsMemory(used), http.RequestAborted).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            used += n;
            if (used > maxBytes)
            {
                throw new BodyTooLargeException(maxBytes, 0);
            }
        }
        return new ArraySegment<byte>(buffer, 0, used);
    }
}
