namespace Vigie.Ingestion;

/// <summary>
/// The decompressed body went past <see cref="NdjsonLimits.MaxBodyBytes"/> (HTTP 413). Batches already
/// handed to the flush handler stay stored: <see cref="AcceptedBeforeLimit"/> says how many events that is,
/// so that the answer can tell the client what to resend.
/// </summary>
public sealed class BodyTooLargeException : Exception
{
    public BodyTooLargeException()
    {
    }

    public BodyTooLargeException(string message)
        : base(message)
    {
    }

    public BodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BodyTooLargeException(long maxBodyBytes, long acceptedBeforeLimit)
        : base($"request body is larger than {maxBodyBytes} bytes after decompression; split it into smaller requests")
    {
        MaxBodyBytes = maxBodyBytes;
        AcceptedBeforeLimit = acceptedBeforeLimit;
    }

    public long MaxBodyBytes { get; }

    public long AcceptedBeforeLimit { get; }
}
