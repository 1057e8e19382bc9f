namespace Vigie.Ingestion.Protocols;

/// <summary>A request body that is not in its protocol's format as a whole (HTTP 400): nothing in it is kept.</summary>
public sealed class MalformedBodyException : Exception
{
    public MalformedBodyException()
    {
    }

    public MalformedBodyException(string message)
        : base(message)
    {
    }

    public MalformedBodyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
