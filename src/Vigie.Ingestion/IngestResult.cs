namespace Vigie.Ingestion;

/// <summary>What became of one ingest request.</summary>
/// <param name="Accepted">Events added to batches (flushed or still in the last batch).</param>
/// <param name="Rejected">Lines rejected; blank lines are neither accepted nor rejected.</param>
/// <param name="Errors">The first <see cref="NdjsonLimits.MaxErrors"/> rejections, in line order.</param>
/// <param name="ErrorsTruncated">More lines were rejected than <paramref name="Errors"/> lists.</param>
/// <param name="BodyBytes">Bytes of decompressed body read.</param>
public sealed record IngestResult(long Accepted, long Rejected, IReadOnlyList<IngestError> Errors, bool ErrorsTruncated, long BodyBytes);
