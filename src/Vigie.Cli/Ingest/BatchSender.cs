using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Vigie.Cli.Ingest;

/// <summary>
/// Sends one batch gzip-compressed to <c>POST /api/v1/ingest</c> with an <c>Idempotency-Key</c> of
/// its own, retrying with exponential backoff when the connection could not be made, the server
/// answered 503, or the answer was lost (connection dropped, no answer in time): the key makes the
/// server store a resent batch once. Any other answer ends the batch's attempts.
/// </summary>
public sealed class BatchSender(HttpClient client, Uri server, string path, int maxAttempts, TimeSpan firstDelay)
{
    /// <summary>One per run: with a batch's number it makes the batch's key.</summary>
    private readonly string _run = Guid.NewGuid().ToString("N");

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static byte[] Compress(ReadOnlyMemory<byte> body)
    {
        using var output = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body.Span);
        }
        return output.ToArray();
    }

    /// <summary>The key the server knows batch <paramref name="number"/> of this run by.</summary>
    public string KeyOf(int number) => $"vigie-ingest-{_run}-{number}";

    public async Task<BatchOutcome> SendAsync(int number, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var compressed = Compress(body);
        var key = KeyOf(number);
        for (var attempt = 1; ; attempt++)
        {
            var delay = Backoff(attempt);
            try
            {
                using var content = new ByteArrayContent(compressed);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                content.Headers.ContentEncoding.Add("gzip");
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return Read(response.StatusCode, answer);
                }
                if (attempt >= maxAttempts)
                {
                    return BatchOutcome.Failed($"the server stayed unavailable (503) after {attempt} attempts{Detail(answer)}");
                }
                if (response.Headers.RetryAfter?.Delta is { } asked)
                {
                    delay = asked < MaxDelay ? asked : MaxDelay;
                }
            }
            catch (HttpRequestException e) when (ServerConnection.NeverConnected(e))
            {
                if (attempt >= maxAttempts)
                {
                    return BatchOutcome.Failed(ServerConnection.Unreachable(server, e), unreachable: true);
                }
            }
            catch (HttpRequestException e)
            {
                // The server may have stored the batch: resending is safe, its key makes it stored once.
                if (attempt >= maxAttempts)
                {
                    return BatchOutcome.Failed($"connection lost while sending ({e.Message}) on each of {attempt} attempts");
                }
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt >= maxAttempts)
                {
                    return BatchOutcome.Failed($"no answer in time on each of {attempt} attempts");
                }
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = firstDelay * Math.Pow(2, attempt - 1);
        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>Reads <c>{"accepted":N,"rejected":M,"errors":[{"line":L,"error":"..."}]}</c> or an error answer.</summary>
    public static BatchOutcome Read(HttpStatusCode status, string answer)
    {
        if ((int)status is < 200 or > 299)
        {
            return BatchOutcome.Failed($"the server answered {(int)status} {status}{Detail(answer)}");
        }
        try
        {
            using var doc = JsonDocument.Parse(answer);
            var root = doc.RootElement;
            var errors = new List<(long, string)>();
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in list.EnumerateArray())
                {
                    var line = e.TryGetProperty("line", out var l) && l.TryGetInt64(out var n) ? n : 0;
                    var error = e.TryGetProperty("error", out var m) ? m.GetString() ?? "" : "";
                    errors.Add((line, error));
                }
            }
            return new BatchOutcome(Long(root, "accepted"), Long(root, "rejected"), errors, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return BatchOutcome.Failed($"the server's answer is not the expected JSON: {Truncate(answer)}");
        }
    }

    private static long Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt64(out var n) ? n : 0;

    private static string Detail(string answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return "";
        }
        try
        {
            using var doc = JsonDocument.Parse(answer);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
            {
                return ": " + e.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the text itself.
        }
        return ": " + Truncate(answer);
    }

    private static string Truncate(string text)
    {
        text = text.Trim();
        return text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
    }
}
