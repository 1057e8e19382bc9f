using System.IO.Compression;
using ZstdSharp;

namespace Vigie.Ingestion;

/// <summary>Undoes the HTTP <c>Content-Encoding</c> of a request body.</summary>
public static class ContentDecoding
{
    /// <summary>
    /// Wraps <paramref name="body"/> in the decompressors <paramref name="contentEncoding"/> names; a list
    /// (<c>gzip, identity</c>) is undone last-applied first, as RFC 9110 says. <c>deflate</c> is the zlib
    /// format RFC 9110 specifies, not raw deflate. The returned stream leaves <paramref name="body"/> open.
    /// </summary>
    /// Reading it throws <see cref="InvalidDataException"/> for a body that does not decompress, whichever the codec.
    /// <exception cref="UnsupportedContentEncodingException">An encoding is not one of gzip, x-gzip, zstd, deflate, br, identity.</exception>
    public static Stream Wrap(Stream body, string? contentEncoding)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(contentEncoding))
        {
            return body;
        }
        var codings = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var coding in codings)
        {
            if (!IsKnown(coding))
            {
                throw UnsupportedContentEncodingException.For(coding);
            }
        }
        var stream = body;
        for (var i = codings.Length - 1; i >= 0; i--)
        {
            stream = WrapOne(stream, codings[i], leaveOpen: i == codings.Length - 1);
        }
        return stream;
    }

    public static bool IsKnown(string coding) =>
        coding.ToLowerInvariant() is "identity" or "gzip" or "x-gzip" or "deflate" or "zstd" or "br";

    private static Stream WrapOne(Stream inner, string coding, bool leaveOpen) => coding.ToLowerInvariant() switch
    {
        "identity" => inner,
        "gzip" or "x-gzip" => new CorruptInputStream(new GZipStream(inner, CompressionMode.Decompress, leaveOpen), "gzip"),
        "deflate" => new CorruptInputStream(new ZLibStream(inner, CompressionMode.Decompress, leaveOpen), "deflate"),
        "br" => new CorruptInputStream(new BrotliStream(inner, CompressionMode.Decompress, leaveOpen), "br"),
        "zstd" => new CorruptInputStream(new DecompressionStream(inner, leaveOpen: leaveOpen), "zstd"),
        _ => throw UnsupportedContentEncodingException.For(coding),
    };
}
