using Vigie.Storage.Store;

namespace Vigie.Server.Endpoints;

/// <summary><c>GET /healthz</c>: 200 when the store takes writes, 503 with the reason when it does not.</summary>
internal static class HealthEndpoint
{
    public static IResult Check(LogStore store)
    {
        var status = store.GetStatus();
        return Results.Json(new HealthReport("ok", status.Parts, status.Rows), HealthJsonContext.Default.HealthReport);
    }
}

internal sealed record HealthReport(string Status, int Parts, long Events);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
