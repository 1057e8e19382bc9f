using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Pipelines.Playground;
using Vigie.Query.Engine;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;
using Vigie.Server.Pipelines;

namespace Vigie.Server.Endpoints;

/// <summary>
/// <c>POST /api/v1/pipelines/replay</c>: stored events selected by a query and a time range go through
/// a candidate pipeline; the answer shows each one as stored and as the pipeline would make it. Body:
/// <c>{"pipeline": "YAML" | "name": "...", "query": "service:nginx", "start": "-1h", "end": "now", "limit": 100}</c>.
/// Nothing is written.
/// </summary>
internal static class PipelineReplayEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    public static async Task HandleAsync(HttpContext http, PipelineRuntime runtime, QueryEngine engine)
    {
        using var body = await PipelineTestEndpoint.ReadBodyAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var root = body.RootElement;
        var pipeline = await PipelineTestEndpoint.PipelineOfAsync(http, root, runtime).ConfigureAwait(false);
        if (pipeline is null)
        {
            return;
        }
        var now = Timestamps.Now();
        var text = String(root, "query") ?? "*";
        Query.Syntax.Query query;
        try
        {
            query = Query.Syntax.Query.Parse(text);
        }
        catch (QueryParseException e)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"'query': {e.Message}").ConfigureAwait(false);
            return;
        }
        if (query.Pipes.Count > 0)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "'query': a filter only, without '|' pipes (replay needs whole events)").ConfigureAwait(false);
            return;
        }
        long? start = null, end = null;
        foreach (var name in new[] { "start", "end" })
        {
            if (String(root, name) is not { Length: > 0 } raw)
            {
                continue;
            }
            if (!Timestamps.TryParseQueryTime(raw, now, out var ns))
            {
                await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"'{name}': '{raw}' is not a time: expected RFC 3339, a date, an epoch, now, or a duration ago such as -15m").ConfigureAwait(false);
                return;
            }
            if (name == "start")
            {
                start = ns;
            }
            else
            {
                end = ns;
            }
        }
        var limit = DefaultLimit;
        if (root.TryGetProperty("limit", out var l))
        {
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out limit) || limit < 1 || limit > MaxLimit)
            {
                await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"'limit': expected a whole number from 1 to {MaxLimit}").ConfigureAwait(false);
                return;
            }
        }
        var events = engine.Execute(new QueryRequest(query, now, start, end, limit), http.RequestAborted)
            .OfType<EventRow>()
            .Select(r => r.Event)
            .ToList();
        var results = PipelinePlayground.Replay(pipeline, events);
        await PipelineTestEndpoint.WriteResultsAsync(http, pipeline, results).ConfigureAwait(false);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
