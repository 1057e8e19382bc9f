using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigie.Core;
using Vigie.Ingestion.Elasticsearch;
using Vigie.Ingestion.Protocols;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// The Elasticsearch API as log shippers use it: <c>_bulk</c> (with and without an index in the URL),
/// and the handshake calls Filebeat, Logstash, rsyslog and the Elasticsearch clients make first
/// (version, license, templates, ILM...), answered as an Elasticsearch 8 cluster would, with the
/// <c>X-Elastic-Product</c> header the official clients insist on.
/// </summary>
internal static class ElasticsearchEndpoints
{
    public const string Listener = "elasticsearch";

    /// <summary>The version reported to clients: the 8.x line the shippers of this era all accept.</summary>
    public const string Version = "8.17.0";

    private const string DefaultStreams = "_index,host.name,service.name";

    public static void Map(WebApplication app, ListenerSetting setting)
    {
        var streams = ProtocolIngest.Streams(setting, DefaultStreams);
        app.Use(HandshakeMiddleware);
        app.MapMethods("/_bulk", ["POST", "PUT"], http => BulkAsync(http, ProtocolIngest.Of(http), streams, null));
        app.MapMethods("/{index}/_bulk", ["POST", "PUT"], http => BulkAsync(http, ProtocolIngest.Of(http), streams, RouteValue(http, "index")));
        app.MapPost("/{index}/_doc", http => DocumentAsync(http, ProtocolIngest.Of(http), streams, "index", RouteValue(http, "index"), null));
        app.MapMethods("/{index}/_doc/{id}", ["POST", "PUT"], http => DocumentAsync(http, ProtocolIngest.Of(http), streams, "index", RouteValue(http, "index"), RouteValue(http, "id")));
        app.MapMethods("/{index}/_create/{id}", ["POST", "PUT"], http => DocumentAsync(http, ProtocolIngest.Of(http), streams, "create", RouteValue(http, "index"), RouteValue(http, "id")));
        MapStub(app, ["GET"], "/_license", """{"license":{"status":"active","uid":"00000000-0000-0000-0000-000000000000","type":"basic","issue_date_in_millis":0,"max_nodes":1000,"max_resource_units":null}}""");
        MapStub(app, ["GET"], "/_xpack", """{"build":{"hash":"vigie","date":"2024-01-01T00:00:00.000Z"},"license":{"uid":"00000000-0000-0000-0000-000000000000","type":"basic","mode":"basic","status":"active"},"features":{"ilm":{"available":true,"enabled":true}}}""");
        MapStub(app, ["GET"], "/_cluster/health", """{"cluster_name":"vigie","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":0,"active_shards":0,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0}""");
        MapStub(app, ["GET"], "/_nodes", """{"_nodes":{"total":1,"successful":1,"failed":0},"cluster_name":"vigie","nodes":{}}""");
        MapStub(app, ["GET"], "/_nodes/{**rest}", """{"_nodes":{"total":1,"successful":1,"failed":0},"cluster_name":"vigie","nodes":{}}""");
        // Templates, ILM policies, ingest pipelines and indices: accepted and reported as existing, so
        // that shippers neither fail nor retry their setup; Vigie needs no mapping to store logs.
        foreach (var kind in new[] { "_index_template", "_template", "_component_template", "_ilm/policy", "_ingest/pipeline", "_data_stream" })
        {
            MapStub(app, ["GET", "HEAD"], $"/{kind}/{{name}}", "{}");
            MapStub(app, ["PUT", "POST", "DELETE"], $"/{kind}/{{name}}", """{"acknowledged":true}""");
        }
        MapStub(app, ["GET"], "/_data_stream", """{"data_streams":[]}""");
        MapStub(app, ["PUT"], "/{index}", """{"acknowledged":true,"shards_acknowledged":true}""");
        MapStub(app, ["HEAD"], "/{index}", "");
        MapStub(app, ["GET"], "/{index}/_alias/{name}", "{}");
        MapStub(app, ["HEAD"], "/_alias/{name}", "");
    }

    /// <summary>
    /// <c>GET /</c> and <c>HEAD /</c> from an Elasticsearch client get the cluster's version; from a browser
    /// they go on to the web UI. A client is told apart by what it accepts or sends (JSON, the
    /// Elasticsearch media type) or by its <c>X-Elastic-Client-Meta</c> header.
    /// </summary>
    private static async Task HandshakeMiddleware(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (request.Path.Value is "/" or "" && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && LooksLikeElasticsearchClient(request))
        {
            await WriteJsonAsync(http, StatusCodes.Status200OK, RootAnswer()).ConfigureAwait(false);
            return;
        }
        await next(http).ConfigureAwait(false);
    }

    internal static bool LooksLikeElasticsearchClient(HttpRequest request)
    {
        if (request.Headers.ContainsKey("X-Elastic-Client-Meta"))
        {
            return true;
        }
        var accept = request.Headers.Accept.ToString();
        var contentType = request.ContentType ?? "";
        return accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || accept.Contains("application/vnd.elasticsearch+json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("application/vnd.elasticsearch+json", StringComparison.OrdinalIgnoreCase)
            // rsyslog, Fluentd and curl-based shippers send no Accept at all; a browser always does.
            || (accept.Length == 0 && !request.Headers.UserAgent.ToString().Contains("Mozilla", StringComparison.Ordinal));
    }

    private static string RootAnswer() => $$"""{"name":"vigie","cluster_name":"vigie","cluster_uuid":"vigie-0000000000000000000000","version":{"number":"{{Version}}","build_flavor":"default","build_type":"docker","build_hash":"vigie","build_date":"2024-12-11T12:08:05.663969764Z","build_snapshot":false,"lucene_version":"9.12.0","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"}""";

    private static void MapStub(WebApplication app, string[] methods, string pattern, string json) =>
        app.MapMethods(pattern, methods, http => WriteJsonAsync(http, StatusCodes.Status200OK, json));

    /// <summary>A segment of the route's pattern, which the route matched (so never missing).</summary>
    private static string RouteValue(HttpContext http, string name) => (string)http.Request.RouteValues[name]!;

    private static Task WriteJsonAsync(HttpContext http, int status, string json)
    {
        SetHeaders(http);
        http.Response.StatusCode = status;
        if (HttpMethods.IsHead(http.Request.Method) || json.Length == 0)
        {
            return Task.CompletedTask;
        }
        return http.Response.WriteAsync(json);
    }

    /// <summary>
    /// The product header the official clients check, and the media type they asked for (the 8.x and
    /// 9.x clients ask for <c>application/vnd.elasticsearch+json; compatible-with=N</c>).
    /// </summary>
    private static void SetHeaders(HttpContext http)
    {
        http.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        var accept = http.Request.Headers.Accept.ToString();
        http.Response.ContentType = accept.Contains("application/vnd.elasticsearch+json", StringComparison.OrdinalIgnoreCase)
            ? accept.Split(',')[0].Trim()
            : "application/json";
    }

    /// <summary>Elasticsearch's error shape: <c>{"error":{"type":...,"reason":...},"status":N}</c>.</summary>
    private static async Task FailAsync(HttpContext http, int status, string reason)
    {
        SetHeaders(http);
        http.Response.StatusCode = status;
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("type", status switch { 401 => "security_exception", 413 => "content_too_long_exception", 503 => "es_rejected_execution_exception", 415 => "illegal_argument_exception", _ => "parse_exception" });
        writer.WriteString("reason", reason);
        writer.WriteEndObject();
        writer.WriteNumber("status", status);
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The single-document index API: one event, answered like Elasticsearch (201 and the document's id).</summary>
    private static async Task DocumentAsync(HttpContext http, ProtocolIngest ingest, StreamFields streams, string action, string index, string? id)
    {
        using var body = await ingest.ReadBodyAsync(http, Listener, FailAsync).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var batch = ProtocolIngest.NewBatch(body.Length);
        var items = new List<BulkItem>(1);
        var report = new DecodeReport();
        new BulkDecoder(streams, Timestamps.Now()).DecodeDocument(body.Span, action, index, id, batch, items, report);
        if (!await ingest.StoreAsync(http, Listener, batch, report, FailAsync).ConfigureAwait(false))
        {
            return;
        }
        var item = items[0];
        if (item.Error is not null)
        {
            await FailAsync(http, StatusCodes.Status400BadRequest, item.Error).ConfigureAwait(false);
            return;
        }
        SetHeaders(http);
        http.Response.StatusCode = StatusCodes.Status201Created;
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("_index", index);
        writer.WriteString("_id", id ?? Stopwatch.GetTimestamp().ToString("x", CultureInfo.InvariantCulture));
        writer.WriteNumber("_version", 1);
        writer.WriteString("result", "created");
        writer.WriteStartObject("_shards");
        writer.WriteNumber("total", 1);
        writer.WriteNumber("successful", 1);
        writer.WriteNumber("failed", 0);
        writer.WriteEndObject();
        writer.WriteNumber("_seq_no", 0);
        writer.WriteNumber("_primary_term", 1);
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }

    private static async Task BulkAsync(HttpContext http, ProtocolIngest ingest, StreamFields streams, string? index)
    {
        var started = Stopwatch.GetTimestamp();
        using var body = await ingest.ReadBodyAsync(http, Listener, FailAsync).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var batch = ProtocolIngest.NewBatch(body.Length);
        // Two lines per action: sized once rather than regrown (and copied) while it fills.
        var items = new List<BulkItem>(body.Span.Count((byte)'\n') / 2 + 1);
        var report = new DecodeReport();
        new BulkDecoder(streams, Timestamps.Now()).Decode(body.Span, index, batch, items, report);
        if (!await ingest.StoreAsync(http, Listener, batch, report, FailAsync).ConfigureAwait(false))
        {
            return;
        }
        SetHeaders(http);
        BulkAnswer.Write(http.Response.BodyWriter, items, report.Rejected > 0, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, started);
        await http.Response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }
}
