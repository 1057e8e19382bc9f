namespace Vigie.Web.Model;

/// <summary>One way to send logs to Vigie, with a snippet to copy.</summary>
public sealed record SourceSnippet(string Name, string Where, string Description, string Code);

/// <summary>
/// The copy-paste snippets of the Sources page, filled in with the address the browser used to
/// reach this server (so they work as shown from the same network).
/// </summary>
public static class SourceSnippets
{
    public static IReadOnlyList<SourceSnippet> For(Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var http = baseUri.GetLeftPart(UriPartial.Authority);
        var host = baseUri.Host;
        return
        [
            new("HTTP API (NDJSON)", "POST /api/v1/ingest",
                "One JSON object per line; _time (RFC 3339 or epoch) and _msg are the usual fields. The stream parameter names the fields that identify a source.",
                $$"""
                curl -X POST '{{http}}/api/v1/ingest?stream=host,service' \
                  -H 'Content-Type: application/x-ndjson' \
                  --data-binary $'{"host":"web-1","service":"api","level":"info","_msg":"hello from curl"}\n'
                """),
            new("Files, with the vigie command", "POST /api/v1/ingest",
                "Sends log files (JSON lines or plain text, .gz too) and reports errors by file and line.",
                $"""
                vigie ingest --server {http} --stream host,service /var/log/app/*.log
                """),
            new("Syslog", "UDP and TCP port 5514",
                "RFC 5424 and RFC 3164 messages, e.g. from rsyslog, syslog-ng or logger.",
                $"""
                logger -n {host} -P 5514 -d "hello over UDP"
                logger -n {host} -P 5514 -T "hello over TCP"
                # rsyslog: /etc/rsyslog.d/90-vigie.conf
                *.* @@{host}:5514
                """),
            new("GELF (Graylog)", "UDP and TCP port 12201, POST /gelf",
                "Docker's gelf log driver, Graylog libraries and GELF HTTP senders.",
                $$"""
                docker run --log-driver gelf --log-opt gelf-address=udp://{{host}}:12201 alpine echo hello
                curl -X POST {{http}}/gelf -d '{"version":"1.1","host":"web-1","short_message":"hello"}'
                """),
            new("Fluent Forward", "TCP port 24224",
                "Docker's fluentd log driver, Fluent Bit and Fluentd forward outputs.",
                $"""
                docker run --log-driver fluentd --log-opt fluentd-address={host}:24224 alpine echo hello
                # Fluent Bit
                [OUTPUT]
                    Name  forward
                    Match *
                    Host  {host}
                    Port  24224
                """),
            new("OpenTelemetry (OTLP)", "POST /v1/logs, gRPC port 4317",
                "Any OpenTelemetry SDK or Collector exporting logs.",
                $"""
                export OTEL_LOGS_EXPORTER=otlp
                export OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/protobuf
                export OTEL_EXPORTER_OTLP_LOGS_ENDPOINT={http}/v1/logs
                # or gRPC: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=grpc, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://{host}:4317
                """),
            new("Elasticsearch bulk API", "POST /_bulk",
                "Filebeat, Logstash, Vector and Elasticsearch clients: point them at Vigie as if it were Elasticsearch.",
                $$$"""
                # filebeat.yml
                output.elasticsearch:
                  hosts: ["{{{http}}}"]
                # by hand
                printf '{"create":{}}\n{"@timestamp":"2026-11-25T10:00:00Z","message":"hello"}\n' | \
                  curl -X POST {{{http}}}/_bulk -H 'Content-Type: application/x-ndjson' --data-binary @-
                """),
            new("Loki push API", "POST /loki/api/v1/push",
                "Promtail, Grafana Alloy, the Docker Loki driver and Loki clients.",
                $"""
                # promtail.yml
                clients:
                  - url: {http}/loki/api/v1/push
                """),
            new("Seq", "POST /api/events/raw, POST /ingest/clef",
                "Serilog's Seq sink and other CLEF senders.",
                $$"""
                // C#, Serilog.Sinks.Seq
                Log.Logger = new LoggerConfiguration().WriteTo.Seq("{{http}}").CreateLogger();
                """),
            new("Splunk HTTP Event Collector", "POST /services/collector/event",
                "Splunk logging libraries and the Docker splunk log driver.",
                $$"""
                curl {{http}}/services/collector/event -H 'Authorization: Splunk any-token' \
                  -d '{"event":"hello","sourcetype":"app","host":"web-1"}'
                """),
            new("systemd journal", "POST /upload",
                "systemd-journal-upload sends a machine's journal.",
                $"""
                systemd-journal-upload --url={http}
                # or in /etc/systemd/journal-upload.conf: URL={http}
                """),
        ];
    }
}
