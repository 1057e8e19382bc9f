using System.Buffers.Text;
using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Syslog;

/// <summary>
/// Syslog over TCP or TLS: each frame is either octet-counted (<c>LEN SP MSG</c>, RFC 6587 §3.4.1, with or
/// without a LF inside the count) or ends with a LF (§3.4.2). The framing is told apart per frame
/// by its first byte, as rsyslog does: a digit starts a count, since a message starts with <c>&lt;</c>.
/// </summary>
public sealed class SyslogStreamDecoder(int maxMessageBytes) : IStreamDecoder
{
    private long _skipBytes;
    private bool _skipToNewline;

    public int Decode(ReadOnlySpan<byte> buffer, DecodeTarget target)
    {
        var consumed = 0;
        while (consumed < buffer.Length)
        {
            var rest = buffer[consumed..];
            if (_skipBytes > 0)
            {
                var n = (int)Math.Min(_skipBytes, rest.Length);
                _skipBytes -= n;
                consumed += n;
                continue;
            }
            if (_skipToNewline)
            {
                var lf = rest.IndexOf((byte)'\n');
                if (lf < 0)
                {
                    return buffer.Length;
                }
                _skipToNewline = false;
                consumed += lf + 1;
                continue;
            }
            // Separators between frames (a LF after an octet-counted frame, keep-alive blank lines).
            if (rest[0] is (byte)'\n' or (byte)'\r' or 0 or (byte)' ')
            {
                consumed++;
                continue;
            }
            if (char.IsAsciiDigit((char)rest[0]))
            {
                var space = rest[..Math.Min(rest.Length, 11)].IndexOf((byte)' ');
                if (space < 0)
                {
                    if (rest.Length >= 11)
                    {
                        // Not a count after all: read it as a LF-terminated message.
                        if (!TryLine(rest, target, ref consumed))
                        {
                            return consumed;
                        }
                        continue;
                    }
                    return consumed;
                }
                if (!Utf8Parser.TryParse(rest[..space], out long length, out var used) || used != space)
                {
                    if (!TryLine(rest, target, ref consumed))
                    {
                        return consumed;
                    }
                    continue;
                }
                if (length > maxMessageBytes)
                {
                    target.Reject($"octet-counted frame of {length} bytes, more than the {maxMessageBytes} allowed");
                    consumed += space + 1;
                    _skipBytes = length;
                    continue;
                }
                if (rest.Length - space - 1 < length)
                {
                    return consumed;
                }
                SyslogParser.Parse(rest.Slice(space + 1, (int)length), target);
                consumed += space + 1 + (int)length;
                continue;
            }
            if (!TryLine(rest, target, ref consumed))
            {
                return consumed;
            }
        }
        return consumed;
    }

    private static bool TryLine(ReadOnlySpan<byte> rest, DecodeTarget target, ref int consumed)
    {
        var lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return false;
        }
        SyslogParser.Parse(rest[..lf], target);
        consumed += lf + 1;
        return true;
    }

    public void DecodeLast(ReadOnlySpan<byte> rest, DecodeTarget target)
    {
        if (_skipBytes > 0 || _skipToNewline)
        {
            return;
        }
        var trimmed = rest.Trim("\r\n\0 "u8);
        if (trimmed.IsEmpty)
        {
            return;
        }
        var space = trimmed[..Math.Min(trimmed.Length, 11)].IndexOf((byte)' ');
        if (space > 0 && Utf8Parser.TryParse(trimmed[..space], out long length, out var used) && used == space)
        {
            target.Reject($"connection closed inside an octet-counted frame ({trimmed.Length - space - 1} of {length} bytes)");
            return;
        }
        // A last LF-framed message whose sender closed without the final LF.
        SyslogParser.Parse(trimmed, target);
    }

    public bool Overflow(ReadOnlySpan<byte> buffer, DecodeTarget target)
    {
        target.Reject($"message longer than {maxMessageBytes} bytes without a line end");
        _skipToNewline = true;
        return true;
    }

    public ReadOnlyMemory<byte> TakeReply() => ReadOnlyMemory<byte>.Empty;
}
