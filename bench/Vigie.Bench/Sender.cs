using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using Microsoft.Win32.SafeHandles;

namespace Vigie.Bench;

/// <summary>Posts the chunks of a file with a fixed number of requests in flight.</summary>
internal static class Sender
{
    public delegate HttpRequestMessage RequestFactory(HttpContent body);

    public delegate Task ResponseCheck(HttpResponseMessage response, Chunk chunk, CancellationToken ct);

    /// <returns>Wall-clock seconds from the first request to the last response.</returns>
    public static async Task<double> SendAllAsync(string file, IReadOnlyList<Chunk> chunks, int concurrency, string? contentEncoding,
        HttpClient client, RequestFactory request, ResponseCheck check, CancellationToken ct)
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
                using var content = new ByteArrayContent(buffer, 0, chunk.Length);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                if (contentEncoding is not null)
                {
                    content.Headers.ContentEncoding.Add(contentEncoding);
                }
                using var message = request(content);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                await check(response, chunk, ct).ConfigureAwait(false);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
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
