namespace Vigie.Ingestion;

/// <summary>Why one line of a request was rejected.</summary>
/// <param name="Line">1-based line number in the decompressed body.</param>
/// <param name="Message">The reason, with the byte offset in the line where it is known.</param>
public sealed record IngestError(long Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}
