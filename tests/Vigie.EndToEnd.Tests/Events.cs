using System.Globalization;
using System.Text.Json;

namespace Vigie.EndToEnd.Tests;

internal static class Events
{
    public static string Ndjson(IEnumerable<object> events) => string.Concat(events.Select(e => JsonSerializer.Serialize(e) + "\n"));

    public static string Rfc3339(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string DayName(DateTime utc) => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Every value of <paramref name="field"/> over all events (ids are strings).</summary>
    public static async Task<List<string>> AllValuesAsync(VigieProcess server, string field) =>
        [.. (await server.QueryAsync($"{field}:* | fields {field}")).Select(r => r.GetProperty(field).GetString()!)];

    /// <summary>Files under <c>quarantine/</c>, or none.</summary>
    public static string[] Quarantined(string dataDir)
    {
        var dir = Path.Combine(dataDir, "quarantine");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }
}
