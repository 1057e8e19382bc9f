using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Pipelines;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Playground;
using Vigie.Server.Pipelines;

namespace Vigie.Server.Endpoints;

/// <summary>
/// <c>POST /api/v1/pipelines/test</c>: the playground over HTTP. Body:
/// <c>{"pipeline": "YAML of one pipeline" | "name": "a running pipeline", "lines": ["..."], "fields": {"service": "nginx"}}</c>.
/// Answers <c>{"results": [...]}</c>: each event before, after every processor, and after. Nothing is stored.
/// </summary>
internal static class PipelineTestEndpoint
{
    public const int MaxLines = 10_000;

    public static async Task HandleAsync(HttpContext http, PipelineRuntime runtime)
    {
        using var body = await ReadBodyAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var root = body.RootElement;
        var pipeline = await PipelineOfAsync(http, root, runtime).ConfigureAwait(false);
        if (pipeline is null)
        {
            return;
        }
        if (!root.TryGetProperty("lines", out var linesElement) || linesElement.ValueKind != JsonValueKind.Array
            || linesElement.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String))
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "'lines': expected an array of sample lines (strings)").ConfigureAwait(false);
            return;
        }
        var lines = linesElement.EnumerateArray().Select(l => l.GetString()!).ToList();
        if (lines.Count > MaxLines)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"'lines': at most {MaxLines} sample lines").ConfigureAwait(false);
            return;
        }
        var results = PipelinePlayground.RunOne(pipeline, lines, Timestamps.Now(), Fields(root));
        await WriteResultsAsync(http, pipeline, results).ConfigureAwait(false);
    }

    internal static async Task<JsonDocument?> ReadBodyAsync(HttpContext http)
    {
        try
        {
            var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return doc;
            }
            doc.Dispose();
        }
        catch (JsonException e)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"the body is not JSON: {e.Message}").ConfigureAwait(false);
            return null;
        }
        await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "the body must be a JSON object").ConfigureAwait(false);
        return null;
    }

    /// <summary>The candidate pipeline (YAML in the body) or a running one by name; writes a 400 and returns null when neither works.</summary>
    internal static async Task<Pipeline?> PipelineOfAsync(HttpContext http, JsonElement root, PipelineRuntime runtime)
    {
        if (root.TryGetProperty("pipeline", out var yaml) && yaml.ValueKind == JsonValueKind.String)
        {
            try
            {
                return PipelineConfigLoader.ParseSingle(yaml.GetString()!, "candidate", "pipeline");
            }
            catch (ConfigException e)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                http.Response.ContentType = "application/json";
                await using var w = new Utf8JsonWriter(http.Response.Body, RowJson.Options);
                w.WriteStartObject();
                w.WriteString("error", "invalid pipeline: " + e.Message);
                w.WriteNumber("line", e.Line);
                w.WriteNumber("column", e.Column);
                w.WriteString("reason", e.Reason);
                w.WriteEndObject();
                await w.FlushAsync().ConfigureAwait(false);
                return null;
            }
        }
        if (root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            var found = runtime.Current.Find(name.GetString()!);
            if (found is null)
            {
                await ErrorAnswer.WriteAsync(http, StatusCodes.Status404NotFound, $"no running pipeline named '{name.GetString()}'").ConfigureAwait(false);
            }
            return found;
        }
        await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "expected 'pipeline' (the YAML of a pipeline: 'processors:' and an optional 'if:') or 'name' (a running pipeline)").ConfigureAwait(false);
        return null;
    }

    internal static List<KeyValuePair<string, string>> Fields(JsonElement root)
    {
        var extra = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in fields.EnumerateObject())
            {
                extra.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
            }
        }
        return extra;
    }

    internal static async Task WriteResultsAsync(HttpContext http, Pipeline pipeline, IReadOnlyList<TraceResult> results)
    {
        http.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body, RowJson.Options);
        w.WriteStartObject();
        w.WriteString("pipeline", pipeline.Name);
        w.WriteNumber("events", results.Count);
        w.WriteNumber("failed", results.Count(r => r.Error is not null));
        w.WriteNumber("dropped", results.Count(r => r.After.Dropped));
        w.WritePropertyName("results");
        TraceJson.Write(w, results);
        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }
}
