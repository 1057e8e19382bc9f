using System.Buffers;

namespace Vigie.Agent.Collection;

/// <summary>
/// A pooled buffer that bytes are read into and complete lines taken out of, for sources reading
/// line-oriented text (files, <c>journalctl</c>'s output). The bytes of a line not complete yet stay
/// at the front; the buffer is compacted, then doubled, when a read finds it full.
/// </summary>
internal sealed class LineBuffer(int initialSize) : IDisposable
{
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _scanned;

    /// <summary>Where the bytes not yet taken begin.</summary>
    public int Start { get; private set; }

    /// <summary>Where the bytes read so far end.</summary>
    public int End { get; private set; }

    public int Capacity => _bytes.Length;

    /// <summary>Bytes read but not yet taken (a line without its line feed so far).</summary>
    public int Pending => End - Start;

    /// <summary>
    /// Makes room for a read when the buffer is full: moves the pending bytes to the front (returning
    /// how many bytes were dropped before them) or, when they fill it all, doubles it.
    /// </summary>
    public int MakeRoom()
    {
        if (End < _bytes.Length)
        {
            return 0;
        }
        if (Start > 0)
        {
            var dropped = Start;
            Buffer.BlockCopy(_bytes, Start, _bytes, 0, End - Start);
            End -= dropped;
            _scanned -= dropped;
            Start = 0;
            return dropped;
        }
        var larger = ArrayPool<byte>.Shared.Rent(_bytes.Length * 2);
        Buffer.BlockCopy(_bytes, 0, larger, 0, End);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = larger;
        return 0;
    }

    /// <summary>The free space after the bytes read, to read into.</summary>
    public Span<byte> Free => _bytes.AsSpan(End);

    /// <summary>The free space after the bytes read, to read into asynchronously.</summary>
    public Memory<byte> FreeMemory => _bytes.AsMemory(End);

    /// <summary>Counts <paramref name="count"/> bytes just read into <see cref="Free"/>.</summary>
    public void Filled(int count) => End += count;

    /// <summary>
    /// Finds the next line feed after <see cref="Start"/>: its index, or -1 when the pending bytes hold
    /// none (they are then not searched again).
    /// </summary>
    public int NextLineFeed()
    {
        var found = _bytes.AsSpan(_scanned, End - _scanned).IndexOf((byte)'\n');
        if (found < 0)
        {
            _scanned = End;
            return -1;
        }
        return _scanned + found;
    }

    /// <summary>Bytes of the buffer (a line between <see cref="Start"/> and a line feed).</summary>
    public ReadOnlyMemory<byte> Slice(int start, int length) => _bytes.AsMemory(start, length);

    public byte this[int index] => _bytes[index];

    /// <summary>Takes the bytes before <paramref name="position"/> out (a line and its line feed, or bytes dropped).</summary>
    public void TakeTo(int position)
    {
        Start = _scanned = position;
    }

    /// <summary>Starts from the beginning when everything read was taken; returns how many bytes were dropped.</summary>
    public int ResetIfEmpty()
    {
        if (Start != End)
        {
            return 0;
        }
        var dropped = End;
        Start = End = _scanned = 0;
        return dropped;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }
}
