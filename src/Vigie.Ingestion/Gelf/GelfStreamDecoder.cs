using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Gelf;

/// <summary>GELF over TCP: uncompressed JSON messages, each ended by a NUL byte (some clients add a LF, ignored).</summary>
public sealed class GelfStreamDecoder(int maxMessageBytes) : IStreamDecoder
{
    private bool _skipToNul;

    public int Decode(ReadOnlySpan<byte> buffer, DecodeTarget target)
    {
        var consumed = 0;
        while (consumed < buffer.Length)
        {
            var rest = buffer[consumed..];
            var nul = rest.IndexOf((byte)0);
            if (nul < 0)
            {
                return _skipToNul ? buffer.Length : consumed;
            }
            consumed += nul + 1;
            if (_skipToNul)
            {
                _skipToNul = false;
                continue;
            }
            Parse(rest[..nul], target);
        }
        return consumed;
    }

    private static void Parse(ReadOnlySpan<byte> message, DecodeTarget target)
    {
        message = message.Trim("\r\n\t "u8);
        if (!message.IsEmpty)
        {
            GelfParser.Parse(message, target);
        }
    }

    public void DecodeLast(ReadOnlySpan<byte> rest, DecodeTarget target)
    {
        if (!_skipToNul)
        {
            Parse(rest, target);
        }
    }

    public bool Overflow(ReadOnlySpan<byte> buffer, DecodeTarget target)
    {
        target.Reject($"GELF message longer than {maxMessageBytes} bytes without its NUL end");
        _skipToNul = true;
        return true;
    }

    public ReadOnlyMemory<byte> TakeReply() => ReadOnlyMemory<byte>.Empty;
}
