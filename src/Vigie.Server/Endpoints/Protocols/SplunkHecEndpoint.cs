using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Service;
using Vigie.Ingestion.Splunk;
using Vigie.Server.Protocols;
using Vigie.Server.Security;
using Vigie.Storage;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// Splunk's HTTP Event Collector: <c>/services/collector/event</c>, <c>/services/collector/raw</c> and
/// <c>/services/collector/health</c>, with HEC's answers (<c>{"text":"Success","code":0}</c>) and codes,
/// so that Docker's <c>splunk</c> driver and appliances work unchanged.
/// </summary>
internal sealed class SplunkHecEndpoint(ProtocolIngest protocol, IngestionService ingestion, ServerOptions options, ApiKeys apiKeys)
{
    public const string Listener = "splunk";

    private const long MaxBodyBytes = 64L * 1024 * 1024;

    private readonly StreamFields _streams = ProtocolStreams.For(options.Listeners.Splunk, ProtocolStreams.Splunk);
    private readonly HashSet<string> _tokens = new(options.Listeners.SplunkTokens, StringComparer.Ordinal);

    public Task HandleEventAsync(HttpContext http) => HandleAsync(http, raw: false);

    public Task HandleRawAsync(HttpContext http) => HandleAsync(http, raw: true);

    public IResult Health(HttpContext http) => Results.Json(new HecAnswer("HEC is healthy", 17), HecJson.Default.HecAnswer);

    private async Task HandleAsync(HttpContext http, bool raw)
    {
        if (!Authorized(http))
        {
            Interlocked.Increment(ref ingestion.Metrics.For(Listener).Unauthorized);
            var missing = string.IsNullOrEmpty(http.Request.Headers.Authorization.ToString()) && !http.Request.Query.ContainsKey("token");
            await AnswerAsync(http, missing ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden, missing ? "Token is required" : "Invalid token", missing ? 2 : 4).ConfigureAwait(false);
            return;
        }
        using var body = await protocol.ReadBodyAsync(http, Listener, static (h, status, message) => status == StatusCodes.Status413PayloadTooLarge
            ? AnswerAsync(h, status, "Content length too large: " + message, 27)
            : AnswerAsync(h, StatusCodes.Status400BadRequest, "Invalid data format: " + message, 6), MaxBodyBytes, ownCredentials: true).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var target = new DecodeTarget(_streams) { RemoteHost = http.Connection.RemoteIpAddress?.ToString(), Batch = new EventBatch(64, 512, body.Length + 1024) };
        int? invalidEvent = null;
        string? reason = null;
        if (raw)
        {
            var q = http.Request.Query;
            SplunkHecDecoder.DecodeRaw(body.Span, target, NullIfEmpty(q["host"]), NullIfEmpty(q["source"]), NullIfEmpty(q["sourcetype"]));
        }
        else
        {
            try
            {
                SplunkHecDecoder.DecodeEvents(body.Span, target);
            }
            catch (SplunkFormatException e)
            {
                // As Splunk does: the events before the bad one are kept, the answer names the bad one.
                invalidEvent = e.EventIndex;
                reason = e.Reason;
                ingestion.Reject(Listener, 1, e.Message);
            }
        }
        if (target.Batch.Count == 0 && invalidEvent is null)
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, "No data", 5).ConfigureAwait(false);
            return;
        }
        try
        {
            await ingestion.StoreAsync(target.Batch, Listener, http.RequestAborted).ConfigureAwait(false);
        }
        catch (StorageFullException e)
        {
            http.Response.Headers.RetryAfter = "5";
            await AnswerAsync(http, StatusCodes.Status503ServiceUnavailable, "Server is busy: " + e.Message, 9).ConfigureAwait(false);
            return;
        }
        if (invalidEvent is { } index)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new HecError("Invalid data format", 6, index, reason), HecJson.Default.HecError, cancellationToken: http.RequestAborted).ConfigureAwait(false);
            return;
        }
        await AnswerAsync(http, StatusCodes.Status200OK, "Success", 0).ConfigureAwait(false);
    }

    /// <summary>A HEC token or, as on every other ingest endpoint, one of the server's API keys.</summary>
    private bool Authorized(HttpContext http)
    {
        if (_tokens.Count == 0 && !apiKeys.Required)
        {
            return true;
        }
        var header = http.Request.Headers.Authorization.ToString();
        string? token = null;
        if (header.StartsWith("Splunk ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Splunk ".Length..].Trim();
        }
        else if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (http.Request.Query.TryGetValue("token", out var query))
        {
            token = query.ToString();
        }
        return token is not null && (_tokens.Contains(token) || (apiKeys.Required && apiKeys.Accepts(token)));
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];

    private static async Task AnswerAsync(HttpContext http, int status, string text, int code)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new HecAnswer(text, code), HecJson.Default.HecAnswer, cancellationToken: http.RequestAborted).ConfigureAwait(false);
    }
}

internal sealed record HecAnswer(string Text, int Code);

internal sealed record HecError(string Text, int Code, int InvalidEventNumber, string? Reason);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HecAnswer))]
[System.Text.Json.Serialization.JsonSerializable(typeof(HecError))]
internal sealed partial class HecJson : System.Text.Json.Serialization.JsonSerializerContext;
