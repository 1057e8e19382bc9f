namespace Vigie.Cli.Ingest;

/// <summary>A body of NDJSON lines ready to send, and where its lines came from.</summary>
/// <param name="Number">1-based, in reading order.</param>
/// <param name="Body">The uncompressed NDJSON.</param>
/// <param name="Map">The origin of each of its lines.</param>
public sealed record PendingBatch(int Number, ReadOnlyMemory<byte> Body, LineMap Map);
