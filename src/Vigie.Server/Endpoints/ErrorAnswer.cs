using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Vigie.Server.Endpoints;

/// <summary>The JSON body of every error answer: <c>{"error": "...", ...}</c>.</summary>
internal static class ErrorAnswer
{
    public static async Task WriteAsync(HttpContext http, int status, string message, long? acceptedBefore = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body, RowJson.Options);
        writer.WriteStartObject();
        writer.WriteString("error", message);
        if (acceptedBefore is { } n)
        {
            writer.WriteNumber("accepted", n);
        }
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }
}
