using System.Diagnostics;
using Vigie.Ingestion.Service;
using Vigie.Server.Observability;
using Vigie.Storage.Store;

namespace Vigie.Server.Endpoints;

/// <summary><c>GET /metrics</c>: Prometheus text.</summary>
internal static class MetricsEndpoint
{
    public static string Render(LogStore store, ServerMetrics server, IngestionMetrics listeners)
    {
        var s = store.Metrics;
        var status = store.GetStatus();
        var w = new PrometheusWriter();
        w.Counter("vigie_ingest_requests_total", "Ingest requests received.", Interlocked.Read(ref server.IngestRequests));
        w.Family("vigie_ingest_events_total", "counter", "Events received, by outcome.",
            ("result=\"accepted\"", Interlocked.Read(ref server.IngestEventsAccepted)),
            ("result=\"rejected\"", Interlocked.Read(ref server.IngestEventsRejected)));
        w.Counter("vigie_ingest_bytes_total", "Request body bytes received by the ingest API, after decompression.", Interlocked.Read(ref server.IngestBytes));
        w.Counter("vigie_ingest_refused_total", "Ingest requests refused with 503 because the store could not write.", Interlocked.Read(ref server.IngestRefusedFull));
        w.Histogram("vigie_ingest_duration_seconds", "Time to decode and durably store one ingest request.", server.IngestSeconds);
        w.Family("vigie_ingest_durable_wait_seconds_total", "counter", "Time ingest requests waited for their events to become durable: while decoding (batches in flight at their bound) or at the end, before answering.",
            ("phase=\"decoding\"", Interlocked.Read(ref server.IngestDurableWaitTicksDecoding) / (double)Stopwatch.Frequency),
            ("phase=\"end\"", Interlocked.Read(ref server.IngestDurableWaitTicksEnd) / (double)Stopwatch.Frequency));
        RenderListeners(w, listeners);
        Pipelines.PipelineMetricsWriter.Write(w, Pipelines.PipelinesRegistration.RuntimeOf(listeners));
        w.Counter("vigie_queries_total", "Queries run.", Interlocked.Read(ref server.Queries));
        w.Counter("vigie_query_errors_total", "Queries refused (bad query) or failed.", Interlocked.Read(ref server.QueryErrors));
        w.Histogram("vigie_query_duration_seconds", "Query latency, to the last row sent.", server.QuerySeconds);
        w.Gauge("vigie_tail_subscribers", "Live tail connections open.", Interlocked.Read(ref server.TailSubscribers));
        w.Counter("vigie_tail_events_dropped_total", "Events not sent to a live tail client that read too slowly.", Interlocked.Read(ref server.TailEventsDropped));
        w.Counter("vigie_store_events_total", "Events durably stored.", Interlocked.Read(ref s.EventsAppended));
        w.Counter("vigie_store_bytes_total", "Bytes of field values durably stored.", Interlocked.Read(ref s.BytesAppended));
        w.Counter("vigie_store_append_failures_total", "WAL write groups that failed (disk full or I/O error).", Interlocked.Read(ref s.AppendFailures));
        w.Counter("vigie_wal_fsyncs_total", "WAL fsyncs (one per group commit).", Interlocked.Read(ref s.WalFsyncs));
        w.Histogram("vigie_wal_fsync_duration_seconds", "WAL write + fsync latency per group commit.", s.WalFsyncSeconds);
        w.Counter("vigie_wal_damaged_segments_total", "WAL segments with a torn or damaged tail found at start-up.", Interlocked.Read(ref s.WalRecordsQuarantined));
        w.Counter("vigie_flushes_total", "Memtable flushes to parts.", Interlocked.Read(ref s.Flushes));
        w.Counter("vigie_flush_failures_total", "Flushes that failed and were retried.", Interlocked.Read(ref s.FlushFailures));
        w.Histogram("vigie_flush_duration_seconds", "Time to write and publish a flush.", s.FlushSeconds);
        w.Counter("vigie_backpressure_waits_total", "Appends that waited because too much acknowledged data was not yet in parts.", Interlocked.Read(ref s.BackPressureWaits));
        w.Counter("vigie_backpressure_wait_seconds_total", "Time appends waited for room under the bound of acknowledged data not yet in parts.", Interlocked.Read(ref s.BackPressureWaitTicks) / (double)Stopwatch.Frequency);
        w.Counter("vigie_merges_total", "Background merges of parts.", Interlocked.Read(ref s.Merges));
        w.Counter("vigie_merge_rows_rebuilt_total", "Rows that merges decoded and wrote again (large blocks are copied as stored and not counted).", Interlocked.Read(ref s.RowsRebuiltByMerges));
        w.Counter("vigie_merged_rows_total", "Rows written into merged parts, copied as stored or rebuilt.", Interlocked.Read(ref s.RowsMerged));
        w.Gauge("vigie_merges_running", "Background merges running now.", Interlocked.Read(ref s.MergesRunning));
        w.Gauge("vigie_merge_source_bytes_running", "Bytes of the source parts of the merges running now.", Interlocked.Read(ref s.MergeSourceBytesRunning));
        w.Counter("vigie_parts_quarantined_total", "Damaged part files moved to quarantine.", Interlocked.Read(ref s.PartsQuarantined));
        w.Counter("vigie_partitions_dropped_total", "Day partitions dropped by retention.", Interlocked.Read(ref s.PartitionsDropped));
        w.Gauge("vigie_parts", "Live parts.", status.Parts);
        w.Gauge("vigie_partitions", "Day partitions with data.", status.Partitions);
        w.Gauge("vigie_stored_events", "Events in live parts.", status.Rows);
        w.Family("vigie_disk_bytes", "gauge", "Bytes on disk.", ("kind=\"parts\"", status.PartBytes), ("kind=\"wal\"", status.WalBytes));
        w.Gauge("vigie_idempotency_keys", "Idempotency keys of stored ingest requests remembered (a retry with one is answered duplicate).", store.Keys.Count);
        w.Gauge("vigie_memtable_bytes", "Bytes of acknowledged events not yet in parts.", status.MemtableBytes);
        w.Counter("vigie_idle_trims_total", "Idle memory trims run: a compacting collection once the server has been quiet a few seconds, then again while the quiet lasts.", Interlocked.Read(ref server.IdleTrims));
        w.Gauge("vigie_idle_trim_last_timestamp_seconds", "When the last idle memory trim ran, Unix time; 0 before the first.", Interlocked.Read(ref server.IdleTrimLastUnixMs) / 1000.0);
        w.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", ResidentBytes());
        w.Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", Environment.CpuUsage.TotalTime.TotalSeconds);
        w.Gauge("dotnet_gc_heap_bytes", "Bytes of the managed heap.", GC.GetTotalMemory(forceFullCollection: false));
        w.Gauge("dotnet_gc_committed_bytes", "Bytes of memory the managed heap has committed, as of the last collection.", GC.GetGCMemoryInfo().TotalCommittedBytes);
        w.Counter("dotnet_gc_pause_seconds_total", "Time the runtime paused threads for garbage collections.", GC.GetTotalPauseDuration().TotalSeconds);
        w.Counter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap.", GC.GetTotalAllocatedBytes());
        w.Family("dotnet_gc_collections_total", "counter", "Garbage collections, by generation.",
            ("generation=\"0\"", GC.CollectionCount(0)), ("generation=\"1\"", GC.CollectionCount(1)), ("generation=\"2\"", GC.CollectionCount(2)));
        return w.ToString();
    }

    /// <summary>
    /// The resident set from <c>/proc/self/statm</c> where there is one: <see cref="Process"/> would
    /// load its library (about 0.4 MB resident) into a server that needs nothing else from it.
    /// </summary>
    private static long ResidentBytes()
    {
        try
        {
            var statm = File.ReadAllText("/proc/self/statm");
            var fields = statm.Split(' ', 3);
            if (fields.Length >= 2 && long.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pages))
            {
                return pages * Environment.SystemPageSize;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return ProcessWorkingSet();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long ProcessWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static void RenderListeners(PrometheusWriter w, IngestionMetrics listeners)
    {
        var all = listeners.Snapshot();
        if (all.Count == 0)
        {
            return;
        }
        w.Family("vigie_listener_events_total", "counter", "Events by listener and outcome: accepted (durably stored), rejected (undecodable), dropped (lost without the sender knowing, UDP).",
            [.. all.SelectMany(p => new[]
            {
                ($"listener=\"{p.Key}\",result=\"accepted\"", (double)Interlocked.Read(ref p.Value.Accepted)),
                ($"listener=\"{p.Key}\",result=\"rejected\"", (double)Interlocked.Read(ref p.Value.Rejected)),
                ($"listener=\"{p.Key}\",result=\"dropped\"", (double)Interlocked.Read(ref p.Value.Dropped)),
            })]);
        w.Family("vigie_listener_bytes_total", "counter", "Bytes received by listener, before decompression.",
            [.. all.Select(p => ($"listener=\"{p.Key}\"", (double)Interlocked.Read(ref p.Value.Bytes)))]);
        w.Family("vigie_listener_connections_total", "counter", "Connections (or HTTP requests) accepted by listener.",
            [.. all.Select(p => ($"listener=\"{p.Key}\"", (double)Interlocked.Read(ref p.Value.Connections)))]);
        w.Family("vigie_listener_open_connections", "gauge", "Connections open now, by listener.",
            [.. all.Select(p => ($"listener=\"{p.Key}\"", (double)Interlocked.Read(ref p.Value.OpenConnections)))]);
        w.Family("vigie_listener_duplicate_requests_total", "counter", "Requests whose idempotency key was already stored (answered \"duplicate\", nothing stored), by listener.",
            [.. all.Select(p => ($"listener=\"{p.Key}\"", (double)Interlocked.Read(ref p.Value.Duplicates)))]);
        w.Family("vigie_listener_unauthorized_requests_total", "counter", "Requests refused for a missing or wrong API key or token (401, or 403 from Splunk HEC), by listener.",
            [.. all.Select(p => ($"listener=\"{p.Key}\"", (double)Interlocked.Read(ref p.Value.Unauthorized)))]);
    }
}
