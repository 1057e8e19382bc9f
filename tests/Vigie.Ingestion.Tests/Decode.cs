using System.Text;
using Vigie.Core;
using Vigie.Ingestion;

namespace Vigie.Ingestion.Tests;

/// <summary>Runs the decoder over in-memory bodies and reads the events back for assertions.</summary>
internal static class Decode
{
    public const long Now = 1_764_064_800_000_000_000; // 2025-11-25T10:00:00Z

    public static (IngestResult Result, List<LogEvent> Events) Text(string ndjson, NdjsonLimits? limits = null, string? streams = null) =>
        Bytes(Encoding.UTF8.GetBytes(ndjson), limits, streams);

    public static (IngestResult Result, List<LogEvent> Events) Bytes(byte[] body, NdjsonLimits? limits = null, string? streams = null) =>
        FromStream(new MemoryStream(body), limits, streams);

    public static (IngestResult Result, List<LogEvent> Events) FromStream(Stream body, NdjsonLimits? limits = null, string? streams = null)
    {
        var batch = new EventBatch();
        var result = NdjsonDecoder.DecodeAsync(body, batch, StreamFields.Parse(streams), limits ?? new NdjsonLimits(), Now).AsTask().GetAwaiter().GetResult();
        return (result, batch.ToLogEvents().ToList());
    }

    public static LogEvent Single(string ndjson)
    {
        var (result, events) = Text(ndjson);
        Assert.Empty(result.Errors);
        return Assert.Single(events);
    }

    public static string[] Names(LogEvent e) => [.. e.Fields.Select(f => f.Key)];
}
