using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Syntax;

namespace Vigie.Server.Endpoints;

/// <summary>Reads <c>q</c>, <c>start</c>, <c>end</c> and <c>limit</c> from the query string or a form body.</summary>
internal static class QueryParameters
{
    public static async Task<string?> GetAsync(HttpContext http, string name)
    {
        if (http.Request.Query.TryGetValue(name, out var v) && v.Count > 0)
        {
            return v[0];
        }
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            if (form.TryGetValue(name, out var f) && f.Count > 0)
            {
                return f[0];
            }
        }
        return null;
    }

    /// <summary>Builds the request, or writes a 400 and returns null.</summary>
    public static async Task<QueryRequest?> ReadAsync(HttpContext http)
    {
        var now = Timestamps.Now();
        var text = await GetAsync(http, "q").ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            text = "*";
        }
        Vigie.Query.Syntax.Query query;
        try
        {
            query = Vigie.Query.Syntax.Query.Parse(text);
        }
        catch (QueryParseException e)
        {
            await WriteParseError(http, e).ConfigureAwait(false);
            return null;
        }
        long? start = null, end = null;
        int? limit = null;
        foreach (var (name, assign) in new (string, Action<long>)[] { ("start", v => start = v), ("end", v => end = v) })
        {
            var raw = await GetAsync(http, name).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }
            if (!Timestamps.TryParseQueryTime(raw, now, out var ns))
            {
                await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"{name}={raw}: expected an RFC 3339 time (2026-11-25T10:00:00Z), a date, an epoch, now, or a duration ago such as -15m").ConfigureAwait(false);
                return null;
            }
            assign(ns);
        }
        var rawLimit = await GetAsync(http, "limit").ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(rawLimit))
        {
            if (!int.TryParse(rawLimit, out var l) || l < 0)
            {
                await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, $"limit={rawLimit}: expected a whole number of rows, 0 or more").ConfigureAwait(false);
                return null;
            }
            limit = l;
        }
        return new QueryRequest(query, now, start, end, limit);
    }

    private static async Task WriteParseError(HttpContext http, QueryParseException e)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.ContentType = "application/json";
        await using var writer = new System.Text.Json.Utf8JsonWriter(http.Response.Body, RowJson.Options);
        writer.WriteStartObject();
        writer.WriteString("error", e.Message);
        writer.WriteString("reason", e.Reason);
        writer.WriteNumber("line", e.Line);
        writer.WriteNumber("column", e.Column);
        writer.WriteNumber("position", e.Position);
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }
}
