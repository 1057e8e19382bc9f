using Vigie.Agent.Collection;
using Vigie.Core;

namespace Vigie.Agent.Files;

/// <summary>
/// Reads complete lines from a byte source at a position and hands them to the sink, each with the
/// byte offset right after it. Shared by plain files (read at any offset) and gzip'd ones (read in order).
/// </summary>
/// <remarks>
/// Reads go into one pooled buffer per pass; a line is handed over as a slice of it (the sink copies),
/// so a pass allocates nothing per line. A partial last line is left for the next pass (its bytes are
/// read again then), unless the caller says the file will not grow anymore.
/// </remarks>
internal abstract class LineFile(LineOrigin origin, long offset, int maxLineBytes, FileSourceCounters counters) : IDisposable
{
    private const int InitialBuffer = 64 * 1024;

    // Set after a line was cut: the rest of it, up to its line feed, is dropped.
    private bool _skipping;

    public LineOrigin Origin { get; set; } = origin;

    /// <summary>Where the next line starts: the offset after the last complete line handed over.</summary>
    public long Offset { get; private set; } = offset;

    /// <summary>Reads at most <paramref name="destination"/>'s length at <paramref name="position"/>; 0 at the end.</summary>
    protected abstract int Read(Span<byte> destination, long position);

    /// <summary>Starts again at <paramref name="offset"/> (0 after a truncation).</summary>
    public void Restart(long offset)
    {
        Offset = offset;
        _skipping = false;
    }

    /// <summary>
    /// Hands over every complete line from <see cref="Offset"/> to the current end; with
    /// <paramref name="flushPartial"/>, also the bytes after the last line feed, as a last line.
    /// Returns how far <see cref="Offset"/> moved.
    /// </summary>
    public async ValueTask<long> ReadLinesAsync(ILineSink sink, bool flushPartial, CancellationToken cancellationToken)
    {
        var before = Offset;
        var now = Timestamps.Now();
        using var buffer = new LineBuffer(Math.Min(InitialBuffer, maxLineBytes + 1));
        var bufferOffset = Offset; // file offset of the buffer's first byte
        while (true)
        {
            bufferOffset += buffer.MakeRoom();
            var read = Read(buffer.Free, bufferOffset + buffer.End);
            if (read == 0)
            {
                break;
            }
            buffer.Filled(read);
            for (var lineEnd = buffer.NextLineFeed(); lineEnd >= 0; lineEnd = buffer.NextLineFeed())
            {
                if (_skipping)
                {
                    _skipping = false;
                }
                else
                {
                    var length = lineEnd - buffer.Start;
                    if (length > 0 && buffer[lineEnd - 1] == (byte)'\r')
                    {
                        length--;
                    }
                    if (length > maxLineBytes)
                    {
                        length = maxLineBytes;
                        counters.Cut();
                    }
                    await EmitAsync(sink, buffer.Slice(buffer.Start, length), bufferOffset + lineEnd + 1, now, cancellationToken).ConfigureAwait(false);
                }
                buffer.TakeTo(lineEnd + 1);
                Offset = bufferOffset + buffer.Start;
            }
            if (buffer.Pending >= maxLineBytes)
            {
                // No line feed within the bound: send what fits, drop the rest of the line.
                if (!_skipping)
                {
                    counters.Cut();
                    await EmitAsync(sink, buffer.Slice(buffer.Start, maxLineBytes), bufferOffset + buffer.Start + maxLineBytes, now, cancellationToken).ConfigureAwait(false);
                    _skipping = true;
                }
                buffer.TakeTo(buffer.End);
                Offset = bufferOffset + buffer.Start;
            }
            bufferOffset += buffer.ResetIfEmpty();
        }
        if (flushPartial && buffer.Pending > 0)
        {
            if (!_skipping)
            {
                await EmitAsync(sink, buffer.Slice(buffer.Start, buffer.Pending), bufferOffset + buffer.End, now, cancellationToken).ConfigureAwait(false);
            }
            _skipping = false;
            Offset = bufferOffset + buffer.End;
        }
        return Offset - before;
    }

    private ValueTask EmitAsync(ILineSink sink, ReadOnlyMemory<byte> message, long after, long now, CancellationToken cancellationToken)
    {
        counters.Line(message.Length);
        return sink.AppendAsync(new CollectedLine(Origin, now, message, new SourcePosition(after, Fingerprint(after))), cancellationToken);
    }

    /// <summary>
    /// What is kept beside a position to recognise the same content on resume (see
    /// <see cref="TailedFile"/>); 0 for none.
    /// </summary>
    protected virtual long Fingerprint(long after) => 0;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
