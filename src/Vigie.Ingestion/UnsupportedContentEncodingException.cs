namespace Vigie.Ingestion;

/// <summary>A <c>Content-Encoding</c> the decoder cannot undo (HTTP 415).</summary>
public sealed class UnsupportedContentEncodingException : Exception
{
    public UnsupportedContentEncodingException()
    {
    }

    public UnsupportedContentEncodingException(string message)
        : base(message)
    {
    }

    public UnsupportedContentEncodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static UnsupportedContentEncodingException For(string encoding) =>
        new($"unsupported Content-Encoding '{encoding}'; use gzip, zstd, deflate, br or identity") { Encoding = encoding };

    public string Encoding { get; private init; } = "";
}
