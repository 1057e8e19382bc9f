using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Delivery;

/// <summary>Opening: the checkpoint, then every segment in order, cut at its first bad record.</summary>
public sealed partial class DiskBuffer
{
    private sealed record Recovered(Dictionary<string, SourcePosition> Positions, List<SegmentFile> Segments, long AckedSeq, long LastSeq);

    /// <summary>Opens (or creates) the buffer in <see cref="BufferOptions.Directory"/>, recovering what a crash left.</summary>
    public static DiskBuffer Open(BufferOptions options, ILogger logger, DeliveryMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(metrics);
        Directory.CreateDirectory(options.Directory);
        foreach (var stray in Directory.EnumerateFiles(options.Directory, "*.tmp"))
        {
            File.Delete(stray);
        }
        Checkpoint.Data? checkpoint = null;
        try
        {
            checkpoint = Checkpoint.Read(options.Directory);
        }
        catch (InvalidDataException e)
        {
            // Written atomically, so only damage on disk gets here: resending what the server has
            // (it drops repeated idempotency keys) is better than refusing to start.
            logger.LogError("buffer: {Reason}; starting from the segments alone", e.Message);
        }
        var positions = checkpoint?.Positions ?? new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var acked = checkpoint?.AckedSeq ?? 0;
        var lastSeq = acked;
        var segments = new List<SegmentFile>();
        var files = Directory.EnumerateFiles(options.Directory, "*" + BufferFormat.SegmentExtension)
            .Select(path => BufferFormat.TryParseSegmentName(Path.GetFileName(path), out var first) ? new SegmentFile(path, first) : null)
            .OfType<SegmentFile>()
            .OrderBy(s => s.FirstSeq);
        foreach (var segment in files)
        {
            lastSeq = SegmentScanner.Scan(segment, lastSeq, (key, position) =>
            {
                if (position is { } p)
                {
                    positions[key] = p;
                }
                else
                {
                    positions.Remove(key);
                }
            }, logger);
            if (segment.Records.Count == 0 || segment.LastSeq <= acked)
            {
                // Empty, or every record in it was acknowledged before the crash.
                File.Delete(segment.Path);
                continue;
            }
            segments.Add(segment);
        }
        var buffer = new DiskBuffer(options, logger, metrics, new Recovered(positions, segments, acked, lastSeq));
        var pending = segments.Sum(s => s.Records.Count(r => r.Seq > acked));
        if (segments.Count > 0)
        {
            logger.LogInformation("buffer: {Batches} batches ({Lines} lines) left to send from the last run", pending, buffer.PendingLines);
        }
        return buffer;
    }
}
