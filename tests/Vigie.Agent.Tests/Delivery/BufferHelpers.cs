using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;

namespace Vigie.Agent.Tests.Delivery;

/// <summary>Lines to append and a way to read back what the buffer holds, as the server would receive it.</summary>
internal static class BufferHelpers
{
    public static LineOrigin Origin(string key, string? pipeline = null) =>
        new(key, [new("host", "h1"), new("container", key)], pipeline);

    /// <summary>Line <paramref name="n"/> of a source: message <c>key line n</c>, position n.</summary>
    public static CollectedLine Line(LineOrigin origin, long n) =>
        new(origin, 1_764_064_800_000_000_000 + n, Encoding.UTF8.GetBytes($"{origin.SourceKey} line {n}"), new SourcePosition(n));

    public static DiskBuffer Open(string directory, Func<BufferOptions, BufferOptions>? configure = null, DeliveryMetrics? metrics = null)
    {
        var options = new BufferOptions { Directory = directory, BatchMaxLines = 100, BatchMaxAge = TimeSpan.FromMilliseconds(50) };
        return DiskBuffer.Open(configure?.Invoke(options) ?? options, NullLogger.Instance, metrics ?? new DeliveryMetrics());
    }

    /// <summary>Every line of every unacknowledged record, in order, without acknowledging.</summary>
    public static List<JsonElement> PendingLines(DiskBuffer buffer)
    {
        var lines = new List<JsonElement>();
        foreach (var record in PendingRecords(buffer))
        {
            using var body = buffer.ReadBody(record) ?? throw new InvalidOperationException($"record {record.Seq} unreadable");
            lines.AddRange(Decode(body.Array.AsSpan(body.BodyOffset, body.BodyLength).ToArray()));
        }
        return lines;
    }

    public static IReadOnlyList<RecordRef> PendingRecords(DiskBuffer buffer) => buffer.PendingRecordsForTests();

    public static List<JsonElement> Decode(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        var lines = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        return lines;
    }

    public static string Msg(JsonElement line) => line.GetProperty("_msg").GetString()!;

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }
}
