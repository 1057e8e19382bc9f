using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Ingestion.Journald;
using Vigie.Ingestion.Protocols;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// <c>POST /upload</c>: the journal export format as <c>systemd-journal-upload</c> sends it. Read as it
/// comes and stored chunk by chunk, so that an upload that never ends (<c>--follow</c>) is searchable
/// at once and slows down when storage does.
/// </summary>
internal static class JournaldEndpoints
{
    public const string Listener = "journald";

    private const string DefaultStreams = "host,service";
    private const int ReadBytes = 256 * 1024;

    public static void Map(WebApplication app, ListenerSetting setting)
    {
        var streams = ProtocolIngest.Streams(setting, DefaultStreams);
        app.MapPost("/upload", http => UploadAsync(http, ProtocolIngest.Of(http), streams));
    }

    private static async Task UploadAsync(HttpContext http, ProtocolIngest ingest, StreamFields streams)
    {
        Interlocked.Increment(ref ingest.Ingestion.Metrics.For(Listener).Connections);
        // An upload with --follow never ends and sends a few bytes when the journal gets an entry:
        // neither the body size limit nor the minimum data rate of other requests fits it. Memory
        // stays bounded by the entry size limit, whatever the upload's length.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }
        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
        var decoder = new JournalExportDecoder(streams, Timestamps.Now(), ingest.Options.MaxLineBytes * 16);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBytes * 2);
        var total = new DecodeReport();
        try
        {
            await using var body = ContentDecoding.Wrap(http.Request.Body, http.Request.Headers.ContentEncoding.ToString());
            var length = 0;
            var final = false;
            while (!final)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), http.RequestAborted).ConfigureAwait(false);
                final = read == 0;
                length += read;
                Interlocked.Add(ref ingest.Ingestion.Metrics.For(Listener).Bytes, read);
                var batch = ProtocolIngest.NewBatch(length);
                var report = new DecodeReport();
                var consumed = decoder.Decode(buffer.AsSpan(0, length), final, batch, report);
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
                if (batch.Count > 0 || report.Rejected > 0)
                {
                    if (!await ingest.StoreAsync(http, Listener, batch, report, ProtocolIngest.FailJson).ConfigureAwait(false))
                    {
                        return;
                    }
                    total.Accept(report.Accepted);
                    if (report.FirstError is { } error)
                    {
                        total.Reject(error, report.Rejected);
                    }
                }
            }
        }
        catch (MalformedBodyException e)
        {
            await ingest.RejectBodyAsync(http, Listener, e.Message, ProtocolIngest.FailJson).ConfigureAwait(false);
            return;
        }
        catch (UnsupportedContentEncodingException e)
        {
            await ProtocolIngest.FailJson(http, StatusCodes.Status415UnsupportedMediaType, e.Message).ConfigureAwait(false);
            return;
        }
        catch (InvalidDataException e)
        {
            await ingest.RejectBodyAsync(http, Listener, "the request body could not be decompressed: " + e.Message, ProtocolIngest.FailJson).ConfigureAwait(false);
            return;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        // systemd-journal-remote answers 202 "OK."; systemd-journal-upload only checks for success.
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync(total.Rejected > 0 ? $"OK. {total.Accepted} stored, {total.Rejected} rejected: {total.FirstError}\n" : "OK.\n").ConfigureAwait(false);
    }
}
