using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigie.Query.Engine;
using Vigie.Server.Observability;

namespace Vigie.Server.Endpoints;

/// <summary><c>GET|POST /api/v1/query</c>: NDJSON, one object per event (newest first) or per result row.</summary>
internal sealed class QueryEndpoint(QueryEngine engine, ServerMetrics metrics, ILogger<QueryEndpoint> logger)
{
    private const int FlushBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref metrics.Queries);
        var request = await QueryParameters.ReadAsync(http).ConfigureAwait(false);
        if (request is null)
        {
            Interlocked.Increment(ref metrics.QueryErrors);
            return;
        }
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        var body = http.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, RowJson.StreamingOptions);
        try
        {
            foreach (var row in engine.Execute(request, http.RequestAborted))
            {
                RowJson.Write(writer, row);
                writer.Flush();
                body.Write("\n"u8);
                writer.Reset();
                if (body.UnflushedBytes >= FlushBytes)
                {
                    await body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            Interlocked.Increment(ref metrics.QueryErrors);
            logger.LogError(e, "query failed: {Query}", request.Query);
            throw;
        }
        await body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        metrics.QuerySeconds.Observe(Stopwatch.GetElapsedTime(started));
    }
}
