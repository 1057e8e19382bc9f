using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Vigie.Agent.Docker;

/// <summary>
/// Turns the body of <c>GET /containers/{id}/logs?timestamps=1</c> into whole lines. A container without a
/// TTY sends a multiplexed stream (frames with an 8-byte header: stream, three zeros, big-endian length);
/// one with a TTY sends its raw output. Every log message starts with Docker's RFC 3339 timestamp and a
/// space. Docker's log copier splits lines longer than 16 KiB into chunks that all carry the first
/// chunk's timestamp; a chunk without a line feed (a frame that ends mid-line, or 16 KiB of TTY text
/// followed by the same timestamp) is joined to the next one. Bytes are fed in pieces of any size.
/// </summary>
internal sealed class DockerLogDecoder : IDisposable
{
    /// <summary>Docker's log copier buffer: a longer line is logged in chunks of this size.</summary>
    public const int ChunkSize = 16 * 1024;

    private const int HeaderSize = 8;
    private const byte SystemErrorStream = 3;
    private const int MaxErrorText = 1024;

    private readonly bool _tty;
    private readonly int _maxLineBytes;
    private readonly PendingLine _stdout;
    private readonly PendingLine _stderr;
    private readonly byte[] _header = new byte[HeaderSize];
    private readonly List<byte> _errorText = [];
    private byte[] _input = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _inputStart;
    private int _inputEnd;
    private long _discarded;
    private int _headerFill;
    private long _frameRemaining;
    private byte _frameStream;
    private PendingLine? _handedOut;

    public DockerLogDecoder(bool tty, int maxLineBytes)
    {
        _tty = tty;
        _maxLineBytes = maxLineBytes;
        _stdout = new PendingLine(LogStreamKind.Stdout, maxLineBytes);
        _stderr = new PendingLine(LogStreamKind.Stderr, maxLineBytes);
    }

    /// <summary>Frames of Docker's own error stream seen so far (an error of the daemon while reading logs).</summary>
    public int ErrorFrames { get; private set; }

    /// <summary>The text of the last such frame.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Room for at least <paramref name="minimum"/> more bytes of input; fill it and call <see cref="Commit"/>.
    /// Invalidates the message of the last line read.
    /// </summary>
    public Memory<byte> GetInputBuffer(int minimum = 4096)
    {
        if (_inputStart == _inputEnd)
        {
            _discarded += _inputStart;
            _inputStart = _inputEnd = 0;
        }
        if (_input.Length - _inputEnd < minimum)
        {
            var unread = _inputEnd - _inputStart;
            var target = unread + minimum > _input.Length ? ArrayPool<byte>.Shared.Rent(unread + minimum) : _input;
            _input.AsSpan(_inputStart, unread).CopyTo(target);
            if (target != _input)
            {
                ArrayPool<byte>.Shared.Return(_input);
                _input = target;
            }
            _discarded += _inputStart;
            _inputStart = 0;
            _inputEnd = unread;
        }
        return _input.AsMemory(_inputEnd);
    }

    public void Commit(int count) => _inputEnd += count;

    /// <summary>Copies <paramref name="bytes"/> in (for callers that do not read into <see cref="GetInputBuffer"/>).</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetInputBuffer(bytes.Length).Span);
        Commit(bytes.Length);
    }

    /// <summary>
    /// The next whole line of the input fed so far, if there is one. Its message is valid until the next
    /// call to this decoder.
    /// </summary>
    /// <exception cref="InvalidDataException">A multiplexed stream whose frame header is not one.</exception>
    public bool TryRead(out DecodedLine line)
    {
        ResetHandedOut();
        while (_inputStart < _inputEnd)
        {
            if (_tty)
            {
                if (Consume(_stdout, _inputEnd - _inputStart, out line))
                {
                    return true;
                }
                continue;
            }
            if (_frameRemaining == 0)
            {
                ReadHeader();
                continue;
            }
            var available = (int)Math.Min(_frameRemaining, _inputEnd - _inputStart);
            var pending = _frameStream switch
            {
                (byte)LogStreamKind.Stdout => _stdout,
                (byte)LogStreamKind.Stderr => _stderr,
                _ => null,
            };
            if (pending is null)
            {
                SkipFrameBytes(available);
                continue;
            }
            var before = _inputStart;
            var complete = Consume(pending, available, out line);
            _frameRemaining -= _inputStart - before;
            if (_frameRemaining == 0 && !complete && pending.InText)
            {
                // A message that ends without a line feed is a chunk of a longer line (or the last
                // words of a container that exits without one, handed out by TryFlush).
                pending.InText = false;
                pending.Continues = true;
                pending.ChunkBytes = 0;
            }
            if (complete)
            {
                return true;
            }
        }
        line = default;
        return false;
    }

    /// <summary>At the end of the stream: a line that never got its line feed, one per call.</summary>
    public bool TryFlush(out DecodedLine line)
    {
        ResetHandedOut();
        foreach (var pending in (PendingLine[])[_stdout, _stderr])
        {
            if (pending.Started || pending.StampLength > 0)
            {
                pending.StampIsText();
                line = HandOut(pending);
                return true;
            }
        }
        line = default;
        return false;
    }

    private void ReadHeader()
    {
        var take = Math.Min(HeaderSize - _headerFill, _inputEnd - _inputStart);
        _input.AsSpan(_inputStart, take).CopyTo(_header.AsSpan(_headerFill));
        _headerFill += take;
        _inputStart += take;
        if (_headerFill < HeaderSize)
        {
            return;
        }
        _headerFill = 0;
        if (_header[0] > SystemErrorStream || _header[1] != 0 || _header[2] != 0 || _header[3] != 0)
        {
            throw new InvalidDataException(
                $"not a Docker log frame header at byte {_discarded + _inputStart - HeaderSize} of the stream: {Convert.ToHexString(_header)}");
        }
        _frameStream = _header[0];
        _frameRemaining = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        if (_frameStream == SystemErrorStream)
        {
            ErrorFrames++;
            _errorText.Clear();
        }
    }

    private void SkipFrameBytes(int count)
    {
        if (_frameStream == SystemErrorStream)
        {
            foreach (var b in _input.AsSpan(_inputStart, Math.Min(count, MaxErrorText - _errorText.Count)))
            {
                _errorText.Add(b);
            }
        }
        _inputStart += count;
        _frameRemaining -= count;
        if (_frameRemaining == 0 && _frameStream == SystemErrorStream)
        {
            LastError = Encoding.UTF8.GetString([.. _errorText]).TrimEnd();
        }
    }

    /// <summary>Reads up to <paramref name="count"/> input bytes into <paramref name="pending"/>; true when they complete a line.</summary>
    private bool Consume(PendingLine pending, int count, out DecodedLine line)
    {
        var end = _inputStart + count;
        while (_inputStart < end)
        {
            if (!pending.InText)
            {
                ReadStampByte(pending);
                continue;
            }
            var limit = end - _inputStart;
            if (_tty)
            {
                limit = Math.Min(limit, ChunkSize - pending.ChunkBytes);
            }
            var text = _input.AsSpan(_inputStart, limit);
            var lineFeed = text.IndexOf((byte)'\n');
            if (lineFeed >= 0)
            {
                if (pending.Length == 0)
                {
                    // The whole line is in the input: hand it out from there, without a copy.
                    line = new DecodedLine(pending.Stream, pending.TimeNs, _input.AsMemory(_inputStart, Math.Min(_maxLineBytes, WithoutCarriageReturn(text[..lineFeed]))));
                    _inputStart += lineFeed + 1;
                    pending.Reset();
                    return true;
                }
                pending.Append(text[..lineFeed]);
                _inputStart += lineFeed + 1;
                line = HandOut(pending);
                return true;
            }
            pending.Append(text);
            pending.ChunkBytes += limit;
            _inputStart += limit;
            if (_tty && pending.ChunkBytes >= ChunkSize)
            {
                pending.InText = false;
                pending.Continues = true;
            }
        }
        line = default;
        return false;
    }

    /// <summary>One byte of a timestamp, or the space that ends it, or the sign that it was text after all.</summary>
    private void ReadStampByte(PendingLine pending)
    {
        var b = _input[_inputStart];
        if (b == (byte)' ')
        {
            _inputStart++;
            var parsed = DockerTimestamp.TryParse(pending.Stamp.AsSpan(0, pending.StampLength), out var ns);
            if (pending.Continues)
            {
                // Without frames (TTY), only the first chunk's timestamp repeated tells a split line.
                if (!parsed || (_tty && ns != pending.TimeNs))
                {
                    pending.StampIsText();
                    pending.Append(" "u8);
                }
            }
            else if (parsed)
            {
                pending.TimeNs = ns;
            }
            else
            {
                pending.StampIsText();
                pending.Append(" "u8);
            }
            pending.StampLength = 0;
            pending.ChunkBytes = 0;
            pending.InText = true;
            pending.Continues = false;
            return;
        }
        if (b == (byte)'\n' || pending.StampLength == DockerTimestamp.MaxLength)
        {
            // No timestamp here: what was read is text, and this byte is read again as text.
            pending.StampIsText();
            pending.ChunkBytes = 0;
            pending.InText = true;
            pending.Continues = false;
            return;
        }
        pending.Stamp[pending.StampLength++] = b;
        _inputStart++;
    }

    private DecodedLine HandOut(PendingLine pending)
    {
        _handedOut = pending;
        return new DecodedLine(pending.Stream, pending.TimeNs, pending.Text[..WithoutCarriageReturn(pending.Text.Span)]);
    }

    private void ResetHandedOut()
    {
        _handedOut?.Reset();
        _handedOut = null;
    }

    /// <summary>
    /// A TTY ends its lines with CR LF, and a program that writes CR LF to a TTY gets CR CR LF: the CRs
    /// belong to the line ending, not to the line.
    /// </summary>
    private static int WithoutCarriageReturn(ReadOnlySpan<byte> text)
    {
        var length = text.Length;
        while (length > 0 && text[length - 1] == (byte)'\r')
        {
            length--;
        }
        return length;
    }

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        ArrayPool<byte>.Shared.Return(_input);
        _input = [];
    }
}
