using System.Text.Json;

namespace Vigie.Shippers.Tests;

public static class RowText
{
    /// <summary>A field of a query row as text, whatever JSON type the row gives it (numbers, booleans and arrays keep their kind).</summary>
    public static string? Text(this JsonElement row, string field)
    {
        Assert.True(row.TryGetProperty(field, out var value), $"no field {field} in {row}");
        return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
    }
}
