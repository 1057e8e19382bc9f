using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigie.Query.Engine;

namespace Vigie.Server.Endpoints;

/// <summary>
/// <c>GET /api/v1/fields?q=&amp;start=&amp;end=&amp;top=10[&amp;sample=N]</c>: for the events the filter
/// matches, each field with the number of events that have it and its most frequent values; with
/// <c>sample</c>, of the newest N matching events only (as the web UI's sidebar: milliseconds
/// instead of seconds over millions of events).
/// </summary>
internal sealed class FieldsEndpoint(QueryEngine engine)
{
    private const int MaxSample = 100_000;

    public async Task HandleAsync(HttpContext http)
    {
        var request = await QueryParameters.ReadAsync(http).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }
        var top = int.TryParse(http.Request.Query["top"], out var t) && t is > 0 and <= 100 ? t : 10;
        var rawSample = await QueryParameters.GetAsync(http, "sample").ConfigureAwait(false);
        int? sample = null;
        if (!string.IsNullOrWhiteSpace(rawSample))
        {
            if (!int.TryParse(rawSample, out var n) || n is < 1 or > MaxSample)
            {
                await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"sample={rawSample}: expected a number of events from 1 to {MaxSample}").ConfigureAwait(false);
                return;
            }
            sample = n;
        }
        var (events, fields) = await Task.Run(() => sample is { } size
            ? FieldSample.Summarize(engine.Execute(request with { Query = new Vigie.Query.Syntax.Query(request.Query.Filter, []), Limit = size }, http.RequestAborted).Select(r => r.Columns), top)
            : engine.SummarizeFields(request, top, http.RequestAborted), http.RequestAborted).ConfigureAwait(false);
        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body, RowJson.Options);
        writer.WriteStartObject();
        writer.WriteNumber("events", events);
        if (sample is not null)
        {
            writer.WriteBoolean("sampled", true);
        }
        writer.WriteStartArray("fields");
        foreach (var f in fields)
        {
            writer.WriteStartObject();
            writer.WriteString("name", f.Name);
            writer.WriteNumber("count", f.Count);
            writer.WriteNumber("distinct", f.DistinctValues);
            if (f.DistinctIsLowerBound)
            {
                writer.WriteBoolean("distinctIsLowerBound", true);
            }
            writer.WriteStartArray("top");
            foreach (var (value, count) in f.TopValues)
            {
                writer.WriteStartObject();
                writer.WriteString("value", value);
                writer.WriteNumber("count", count);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }
}
