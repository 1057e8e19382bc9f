using Vigie.Agent.Collection;

namespace Vigie.Agent.Delivery;

/// <summary>
/// Lines on their way into one record: their NDJSON, how many, and the last position of each source
/// they came from (or that it was forgotten). Reused from a small pool once its record is written.
/// </summary>
internal sealed class Batch : IDisposable
{
    public PooledBuffer Ndjson { get; } = new(256 * 1024);

    /// <summary>The encoded record (header, positions, gzip'd NDJSON), once the writer has made it.</summary>
    public PooledBuffer Record { get; } = new(64 * 1024);

    /// <summary>The last position per source key; null when the key was forgotten after its last line.</summary>
    public Dictionary<string, SourcePosition?> Positions { get; } = new(StringComparer.Ordinal);

    public int Lines { get; set; }

    /// <summary><see cref="Environment.TickCount64"/> when the first line or change came in.</summary>
    public long OpenedAtMs { get; set; }

    /// <summary>The sequence number given by the writer, 0 until then (kept across retries of a write).</summary>
    public long Seq { get; set; }

    public bool IsEmpty => Lines == 0 && Positions.Count == 0;

    public void Reset()
    {
        Ndjson.Clear();
        Record.Clear();
        Positions.Clear();
        Lines = 0;
        OpenedAtMs = 0;
        Seq = 0;
    }

    public void Dispose()
    {
        Ndjson.Dispose();
        Record.Dispose();
    }
}
