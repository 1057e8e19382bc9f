using System.Buffers;
using Vigie.Core;

namespace Vigie.Ingestion;

/// <summary>
/// Decodes an NDJSON ingest body (one JSON object per line) into <see cref="EventBatch"/>es, streaming:
/// memory stays bounded by the batch being filled and the longest line, whatever the body's size.
/// </summary>
/// <remarks>
/// A bad line is rejected alone: the lines around it are kept and the result says which line failed,
/// where in it and why. Blank lines (LF or CRLF endings) are skipped but still counted, so that line
/// numbers match the client's file.
/// </remarks>
public static class NdjsonDecoder
{
    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>
    /// Reads <paramref name="body"/> (already decompressed: see <see cref="ContentDecoding.Wrap"/>) to its end.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="into">The batch to fill first.</param>
    /// <param name="streams">The request's stream fields; each event is closed with them.</param>
    /// <param name="limits">Body, line and error-list bounds, and when to flush.</param>
    /// <param name="nowNs">The time of reception, given to events without <c>_time</c>: one per request.</param>
    /// <param name="onFlush">
    /// When given, called with the current batch each time it reaches <see cref="NdjsonLimits.FlushEvents"/>
    /// events or <see cref="NdjsonLimits.FlushValueBytes"/> bytes, and once more at the end if it holds
    /// events; decoding goes on into the batch it returns. When null, every event stays in <paramref name="into"/>.
    /// </param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="BodyTooLargeException">
    /// The body passed <see cref="NdjsonLimits.MaxBodyBytes"/>; events not yet flushed are dropped.
    /// </exception>
    public static ValueTask<IngestResult> DecodeAsync(
        Stream body,
        EventBatch into,
        StreamFields streams,
        NdjsonLimits limits,
        long nowNs,
        FlushHandler? onFlush = null,
        CancellationToken cancellationToken = default) =>
        DecodeAsync(body, into, streams, limits, nowNs, onFlush, fastPath: true, cancellationToken);

    /// <summary>
    /// <see cref="DecodeAsync(Stream, EventBatch, StreamFields, NdjsonLimits, long, FlushHandler?, CancellationToken)"/>,
    /// with the byte scanner or (<paramref name="fastPath"/> false) the reference path alone, which tests compare it against.
    /// </summary>
    internal static async ValueTask<IngestResult> DecodeAsync(
        Stream body,
        EventBatch into,
        StreamFields streams,
        NdjsonLimits limits,
        long nowNs,
        FlushHandler? onFlush,
        bool fastPath,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(limits);

        var batch = into;
        var errors = new List<IngestError>();
        var state = new Counters();
        using var parser = new NdjsonLineParser(streams, nowNs, fastPath);
        // Room for the longest line plus its CR LF, so that a line is always whole in the buffer.
        var maxBuffer = limits.MaxLineBytes + 2;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, maxBuffer));
        try
        {
            int start = 0, end = 0, scanned = 0;
            var skippingLongLine = false;
            var endOfBody = false;
            // Whether the bytes of the current line scanned so far are all ASCII (hence valid UTF-8).
            var ascii = true;
            while (true)
            {
                while (true)
                {
                    var newline = NdjsonLineScan.IndexOfNewline(buffer.AsSpan(scanned, end - scanned), ref ascii);
                    if (newline < 0)
                    {
                        scanned = end;
                        break;
                    }
                    var lineEnd = scanned + newline;
                    state.Line++;
                    if (skippingLongLine)
                    {
                        skippingLongLine = false;
                    }
                    else
                    {
                        ProcessLine(buffer.AsSpan(start, lineEnd - start), ascii, batch, parser, limits, state, errors);
                    }
                    start = scanned = lineEnd + 1;
                    ascii = true;
                    if (onFlush is not null && IsFull(batch, limits))
                    {
                        batch = await Flush(onFlush, batch, state, cancellationToken).ConfigureAwait(false);
                    }
                }
                if (endOfBody)
                {
                    if (start < end)
                    {
                        state.Line++;
                        if (!skippingLongLine)
                        {
                            ProcessLine(buffer.AsSpan(start, end - start), ascii, batch, parser, limits, state, errors);
                        }
                    }
                    break;
                }
                if (skippingLongLine)
                {
                    start = end = scanned = 0;
                }
                else if (end - start > limits.MaxLineBytes + 1)
                {
                    // No line ending within reach: the line is too long whatever follows. Report it now and
                    // drop its bytes as they come, rather than hold them.
                    Reject(state.Line + 1, TooLong(limits), limits, state, errors);
                    skippingLongLine = true;
                    start = end = scanned = 0;
                }
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    scanned -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBuffer));
                    buffer.AsSpan(0, end).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    endOfBody = true;
                    continue;
                }
                end += read;
                state.BodyBytes += read;
                if (state.BodyBytes > limits.MaxBodyBytes)
                {
                    throw new BodyTooLargeException(limits.MaxBodyBytes, state.Flushed);
                }
            }
            if (onFlush is not null && batch.Count > 0)
            {
                await Flush(onFlush, batch, state, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new IngestResult(state.Accepted, state.Rejected, errors, state.Rejected > errors.Count, state.BodyBytes);
    }

    private static void ProcessLine(Span<byte> line, bool ascii, EventBatch batch, NdjsonLineParser parser, NdjsonLimits limits, Counters state, List<IngestError> errors)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (state.Line == 1 && line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }
        if (line.Length > limits.MaxLineBytes)
        {
            Reject(state.Line, TooLong(limits), limits, state, errors);
            return;
        }
        if (line.TrimStart(" \t"u8).IsEmpty)
        {
            return;
        }
        var error = parser.TryAddEvent(line, batch, ascii);
        if (error is null)
        {
            state.Accepted++;
        }
        else
        {
            Reject(state.Line, error, limits, state, errors);
        }
    }

    private static void Reject(long line, string error, NdjsonLimits limits, Counters state, List<IngestError> errors)
    {
        state.Rejected++;
        if (errors.Count < limits.MaxErrors)
        {
            errors.Add(new IngestError(line, error));
        }
    }

    private static string TooLong(NdjsonLimits limits) => $"line is longer than {limits.MaxLineBytes} bytes";

    private static bool IsFull(EventBatch batch, NdjsonLimits limits) =>
        batch.Count >= limits.FlushEvents || batch.ValueBytes >= limits.FlushValueBytes;

    private static async ValueTask<EventBatch> Flush(FlushHandler onFlush, EventBatch batch, Counters state, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        var next = await onFlush(batch, cancellationToken).ConfigureAwait(false);
        state.Flushed += count;
        return next;
    }

    private sealed class Counters
    {
        public long Line;
        public long Accepted;
        public long Rejected;
        public long Flushed;
        public long BodyBytes;
    }
}
