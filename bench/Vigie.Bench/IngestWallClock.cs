using System.Globalization;

namespace Vigie.Bench;

/// <summary>
/// Where the wall-clock of an ingestion went, from the server's <c>/metrics</c> before and after it:
/// whether the server's CPU was busy or its requests waited (for the flush under the back-pressure
/// bound, for WAL fsyncs), and what the client took of the machine.
/// </summary>
internal static class IngestWallClock
{
    public static string Describe(Dictionary<string, double> before, Dictionary<string, double> after, double wallSeconds, double serverCpu, double clientCpu, int concurrency)
    {
        double D(string name) => after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
        var requestSeconds = D("vigie_ingest_duration_seconds_sum");
        var flushes = D("vigie_flushes_total");
        var flushSeconds = D("vigie_flush_duration_seconds_sum");
        var fsyncs = D("vigie_wal_fsyncs_total");
        var fsyncSeconds = D("vigie_wal_fsync_duration_seconds_sum");
        var waits = D("vigie_backpressure_waits_total");
        var waitSeconds = D("vigie_backpressure_wait_seconds_total");
        var durableDecoding = D("vigie_ingest_durable_wait_seconds_total{phase=\"decoding\"}");
        var durableEnd = D("vigie_ingest_durable_wait_seconds_total{phase=\"end\"}");
        var gcPause = D("dotnet_gc_pause_seconds_total");
        var gen2 = D("dotnet_gc_collections_total{generation=\"2\"}");
        var allocated = D("dotnet_gc_allocated_bytes_total");
        var events = D("vigie_ingest_events_total{result=\"accepted\"}");
        var w = wallSeconds <= 0 ? 1 : wallSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"wall-clock {wallSeconds:0.00} s: server CPU {serverCpu / w:0.00} cores, client {clientCpu / w:0.00}; " +
            $"requests in flight {requestSeconds / w:0.0} on average (of {concurrency} sent at once), of which waiting for durability while decoding {durableDecoding / w:0.0} and at their end {durableEnd / w:0.0}; " +
            $"flushing {flushSeconds / w:P0} of the time ({flushes:0} flushes, {(flushes > 0 ? flushSeconds / flushes : 0):0.00} s each); " +
            $"appends waiting on back-pressure {waitSeconds / w:0.0} on average ({waits:0} waits); " +
            $"WAL: {fsyncs:0} fsyncs, busy {fsyncSeconds / w:P0}; GC pauses {gcPause / w:P0}, {gen2:0} full collections, {(events > 0 ? allocated / events : 0):0} bytes allocated per event");
    }
}
