using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using Microsoft.Win32.SafeHandles;

namespace Vigie.Bench;

/// <summary>Posts the chunks of a file with a fixed number of requests in flight.</summary>
internal static class Sender
{
    public delegate HttpRequestMessage RequestFactory(HttpContent body);

    /// <summary>Throws on a failure; returns a retry when the server asked for one (503 + Retry-After).</summary>
    public delegate Task<Retry?> ResponseCheck(HttpResponseMessage response, Chunk chunk, CancellationToken ct);

    /// <summary>Send again after <paramref name="After"/>, skipping the first <paramref name="LinesKept"/> lines the server kept.</summary>
    public sealed record Retry(TimeSpan After, long LinesKept);

    /// <summary>Requests refused with 503 and sent again, and the time spent waiting before resending.</summary>
    public sealed class Backoff
    {
        public int Retries;
        public long PartialRetries;
        public double WaitedSeconds;
    }

    private const int MaxRetriesPerChunk = 30;

    /// <returns>Wall-clock seconds from the first request to the last response.</returns>
    public static async Task<double> SendAllAsync(string file, IReadOnlyList<Chunk> chunks, int concurrency, string? contentEncoding,
        HttpClient client, RequestFactory request, ResponseCheck check, Backoff backoff, CancellationToken ct)
    {
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        var maxLength = chunks.Count == 0 ? 0 : chunks.Max(c => c.Length);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[maxLength];
            int i;
            while ((i = Interlocked.Increment(ref next)) < chunks.Count)
            {
                var chunk = chunks[i];
                Read(handle, buffer.AsSpan(0, chunk.Length), chunk.Offset);
                var body = new ArraySegment<byte>(buffer, 0, chunk.Length);
                var encoding = contentEncoding;
                for (var attempt = 0; ; attempt++)
                {
                    using var content = new ByteArrayContent(body.Array!, body.Offset, body.Count);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                    if (encoding is not null)
                    {
                        content.Headers.ContentEncoding.Add(encoding);
                    }
                    using var message = request(content);
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                    var retry = await check(response, chunk, ct).ConfigureAwait(false);
                    if (retry is null)
                    {
                        break;
                    }
                    if (attempt >= MaxRetriesPerChunk)
                    {
                        throw new InvalidOperationException($"the server still refused a request after {MaxRetriesPerChunk} retries");
                    }
                    lock (backoff)
                    {
                        backoff.Retries++;
                        backoff.WaitedSeconds += retry.After.TotalSeconds;
                    }
                    if (retry.LinesKept > 0)
                    {
                        // A shipper resends only what was not kept, else events would be stored twice.
                        Interlocked.Increment(ref backoff.PartialRetries);
                        body = SkipLines(Plain(body, encoding), retry.LinesKept);
                        encoding = null;
                    }
                    await Task.Delay(retry.After, ct).ConfigureAwait(false);
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static ArraySegment<byte> Plain(ArraySegment<byte> body, string? encoding)
    {
        if (encoding is null)
        {
            return body;
        }
        using var input = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        using var gz = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gz.CopyTo(output);
        return new ArraySegment<byte>(output.ToArray());
    }

    private static ArraySegment<byte> SkipLines(ArraySegment<byte> body, long lines)
    {
        var span = body.AsSpan();
        var at = 0;
        for (long i = 0; i < lines; i++)
        {
            var nl = span[at..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return body[span.Length..];
            }
            at += nl + 1;
        }
        return body[at..];
    }

    private static void Read(SafeFileHandle handle, Span<byte> into, long offset)
    {
        var done = 0;
        while (done < into.Length)
        {
            var n = RandomAccess.Read(handle, into[done..], offset + done);
            if (n == 0)
            {
                throw new EndOfStreamException("the corpus file is shorter than its chunk list");
            }
            done += n;
        }
    }

    /// <summary>
    /// Gzips each chunk ahead of time, as a shipper on another machine would, so that the timed
    /// ingest measures the server and not the client's compression on the shared cores.
    /// </summary>
    public static List<Chunk> GzipChunks(string file, IReadOnlyList<Chunk> chunks, string gzFile)
    {
        var result = new List<Chunk>(chunks.Count);
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var output = new FileStream(gzFile, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        var buffer = new byte[chunks.Count == 0 ? 0 : chunks.Max(c => c.Length)];
        foreach (var chunk in chunks)
        {
            Read(handle, buffer.AsSpan(0, chunk.Length), chunk.Offset);
            var start = output.Position;
            using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(buffer, 0, chunk.Length);
            }
            result.Add(new Chunk(start, (int)(output.Position - start), chunk.Events));
        }
        return result;
    }
}
