using Microsoft.AspNetCore.Http;
using Vigie.Storage.Store;

namespace Vigie.Server.Endpoints;

/// <summary><c>GET /healthz</c>: 200 when the store takes writes, 503 with the reason when it does not.</summary>
internal static class HealthEndpoint
{
    public static IResult Check(LogStore store)
    {
        var status = store.GetStatus();
        return status.WriteProblem is { } problem
            ? Results.Json(new HealthReport("unavailable", status.Parts, status.Rows, problem), HealthJsonContext.Default.HealthReport, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new HealthReport("ok", status.Parts, status.Rows, null), HealthJsonContext.Default.HealthReport);
    }
}

internal sealed record HealthReport(string Status, int Parts, long Events, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
