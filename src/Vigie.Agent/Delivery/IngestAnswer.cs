using System.Text.Json;

namespace Vigie.Agent.Delivery;

/// <summary>What the ingest API said about a batch: <c>{"accepted":N,"rejected":M,"errors":[...],"duplicate":true}</c>.</summary>
internal sealed record IngestAnswer(long Accepted, long Rejected, bool Duplicate, IReadOnlyList<string> Errors)
{
    private const int ErrorsKept = 5;

    public static IngestAnswer Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new IngestAnswer(0, 0, false, []);
            }
            var errors = new List<string>();
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in list.EnumerateArray().Take(ErrorsKept))
                {
                    errors.Add(error.ValueKind == JsonValueKind.Object && error.TryGetProperty("line", out var line) && error.TryGetProperty("error", out var message)
                        ? $"line {line}: {message}"
                        : error.ToString());
                }
            }
            else if (root.TryGetProperty("error", out var single))
            {
                errors.Add(single.ToString());
            }
            return new IngestAnswer(
                Number(root, "accepted"),
                Number(root, "rejected"),
                root.TryGetProperty("duplicate", out var duplicate) && duplicate.ValueKind == JsonValueKind.True,
                errors);
        }
        catch (JsonException)
        {
            return new IngestAnswer(0, 0, false, body.Length == 0 ? [] : [body.Length > 200 ? body[..200] : body]);
        }
    }

    private static long Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt64(out var n) ? n : 0;
}
