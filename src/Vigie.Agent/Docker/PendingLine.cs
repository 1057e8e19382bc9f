using System.Buffers;

namespace Vigie.Agent.Docker;

/// <summary>
/// The line being assembled on one of a container's streams: Docker's timestamp first, then the text,
/// which may come in several pieces (frames of the multiplexed stream, chunks of a line Docker split).
/// </summary>
internal sealed class PendingLine(LogStreamKind stream, int maxLineBytes) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256);

    public LogStreamKind Stream { get; } = stream;

    /// <summary>The text so far (at most the line limit; the rest is dropped).</summary>
    public ReadOnlyMemory<byte> Text => _buffer.AsMemory(0, Length);

    public int Length { get; private set; }

    /// <summary>The time of the line: that of its first chunk, which Docker repeats on the next chunks.</summary>
    public long TimeNs { get; set; }

    /// <summary>The timestamp was read: bytes are text up to the next line feed.</summary>
    public bool InText { get; set; }

    /// <summary>Docker split the line: the next timestamp is that of a further chunk of this same line.</summary>
    public bool Continues { get; set; }

    /// <summary>The bytes of the timestamp being read, until the space after it.</summary>
    public byte[] Stamp { get; } = new byte[DockerTimestamp.MaxLength];

    public int StampLength { get; set; }

    /// <summary>Text bytes since the last timestamp: where Docker's copier splits (TTY streams have no frames to tell).</summary>
    public int ChunkBytes { get; set; }

    /// <summary>A line has begun and was not handed out yet.</summary>
    public bool Started => InText || Continues;

    public void Append(ReadOnlySpan<byte> text)
    {
        var take = Math.Min(text.Length, maxLineBytes - Length);
        if (take <= 0)
        {
            return;
        }
        if (Length + take > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxLineBytes, Math.Max(Length + take, _buffer.Length * 2)));
            _buffer.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        text[..take].CopyTo(_buffer.AsSpan(Length));
        Length += take;
    }

    /// <summary>Moves the timestamp bytes read so far into the text: they were not a timestamp.</summary>
    public void StampIsText()
    {
        Append(Stamp.AsSpan(0, StampLength));
        StampLength = 0;
    }

    public void Reset()
    {
        Length = 0;
        InText = false;
        Continues = false;
        StampLength = 0;
        ChunkBytes = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
