using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Vigie.Agent.Delivery;
using Vigie.Agent.Docker;
using Vigie.Agent.Edge;

namespace Vigie.Agent.Hosting;

/// <summary>The agent's counters, rendered in the Prometheus text format for its local <c>/metrics</c>.</summary>
public sealed class AgentMetrics
{
    private readonly ConcurrentDictionary<string, SourceCounter> _sources = new(StringComparer.Ordinal);

    public DeliveryMetrics Delivery { get; } = new();

    public DockerMetrics Docker { get; } = new();

    internal SourceCounter For(string source) => _sources.GetOrAdd(source, _ => new SourceCounter());

    /// <summary>Lines read so far by <paramref name="source"/>.</summary>
    public long LinesRead(string source) => _sources.TryGetValue(source, out var counter) ? Interlocked.Read(ref counter.Lines) : 0;

    public string Render(DiskBuffer? buffer, EdgeSink? edge = null)
    {
        var text = new StringBuilder();
        Header(text, "vigie_agent_lines_read_total", "counter", "Lines read, per source.");
        foreach (var (name, counter) in _sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"vigie_agent_lines_read_total{{source=\"{name}\"}} {Interlocked.Read(ref counter.Lines)}\n");
        }
        var d = Delivery;
        Sample(text, "vigie_agent_docker_log_files_lost_total", "counter", "Container log files Docker deleted (rotated out) before the agent read them to their end.", Interlocked.Read(ref Docker.LogFilesLost));
        Sample(text, "vigie_agent_buffer_lines", "gauge", "Lines on disk waiting to be sent.", buffer?.PendingLines ?? 0);
        Sample(text, "vigie_agent_buffer_batches", "gauge", "Batches on disk waiting to be sent.", buffer?.PendingBatches ?? 0);
        Sample(text, "vigie_agent_buffer_bytes", "gauge", "Bytes of the buffer's segments on disk.", buffer?.Bytes ?? 0);
        Sample(text, "vigie_agent_dropped_lines_total", "counter", "Lines dropped unsent because the buffer went past --buffer-size.", Interlocked.Read(ref d.DroppedLines));
        Sample(text, "vigie_agent_dropped_batches_total", "counter", "Batches dropped unsent because the buffer went past --buffer-size.", Interlocked.Read(ref d.DroppedBatches));
        Sample(text, "vigie_agent_buffer_write_errors_total", "counter", "Writes to the buffer that failed (disk full) and were retried.", Interlocked.Read(ref d.WriteErrors));
        Sample(text, "vigie_agent_batches_sent_total", "counter", "Batches the server acknowledged.", Interlocked.Read(ref d.BatchesSent));
        Sample(text, "vigie_agent_lines_sent_total", "counter", "Lines in the batches the server acknowledged.", Interlocked.Read(ref d.LinesSent));
        Sample(text, "vigie_agent_duplicate_batches_total", "counter", "Batches the server already had (sent again after a lost answer or a restart).", Interlocked.Read(ref d.DuplicateBatches));
        Sample(text, "vigie_agent_send_retries_total", "counter", "Failed sends that were retried.", Interlocked.Read(ref d.Retries));
        Sample(text, "vigie_agent_rejected_lines_total", "counter", "Lines the server refused as malformed.", Interlocked.Read(ref d.RejectedLines));
        if (edge is not null)
        {
            Sample(text, "vigie_agent_edge_joined_lines_total", "counter", "Lines joined to the line before them by an edge multiline step.", edge.JoinedLines);
            Sample(text, "vigie_agent_edge_dropped_events_total", "counter", "Events dropped by an edge pipeline (not sent).", edge.DroppedEvents);
            Header(text, "vigie_agent_edge_pipeline_failures_total", "counter", "Events an edge pipeline failed on (kept, tagged _pipeline_error), per pipeline.");
            foreach (var ((pipeline, processor), counters) in edge.Metrics.Snapshot())
            {
                if (processor.Length == 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"vigie_agent_edge_pipeline_failures_total{{pipeline=\"{pipeline}\"}} {Interlocked.Read(ref counters.Failed)}\n");
                }
            }
        }
        // The agent's own memory, to size it and to see where it goes (the garbage collector's heap vs the rest).
        var gc = GC.GetGCMemoryInfo();
        Sample(text, "vigie_agent_gc_heap_bytes", "gauge", "Bytes of the managed heap after the last garbage collection.", gc.HeapSizeBytes);
        Sample(text, "vigie_agent_gc_committed_bytes", "gauge", "Bytes of memory the garbage collector has committed.", gc.TotalCommittedBytes);
        Header(text, "vigie_agent_gc_collections_total", "counter", "Garbage collections, per generation.");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append(CultureInfo.InvariantCulture, $"vigie_agent_gc_collections_total{{generation=\"{generation}\"}} {GC.CollectionCount(generation)}\n");
        }
        var last = Interlocked.Read(ref d.LastSendUnixMs);
        Header(text, "vigie_agent_last_send_timestamp_seconds", "gauge", "Unix time of the last batch the server acknowledged (0: none yet).");
        text.Append("vigie_agent_last_send_timestamp_seconds ").Append((last / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    private static void Sample(StringBuilder text, string name, string type, string help, long value)
    {
        Header(text, name, type, help);
        text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
}
