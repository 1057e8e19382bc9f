using System.Text.Json;

namespace Vigie.Clients.Tests;

internal static class Rows
{
    public static string Text(this JsonElement row, string field) =>
        row.TryGetProperty(field, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "<absent>";

    public static List<string> Messages(this IEnumerable<JsonElement> rows) => [.. rows.Select(r => r.Text("_msg")).Order(StringComparer.Ordinal)];
}
