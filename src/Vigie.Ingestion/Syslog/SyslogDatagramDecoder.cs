using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Syslog;

/// <summary>
/// Syslog over UDP: one message per datagram, with or without a trailing LF; <c>logger --octet-count</c>
/// puts the TCP octet count in datagrams too.
/// </summary>
public sealed class SyslogDatagramDecoder : IDatagramDecoder
{
    private const int MaxDatagramBytes = 65536;

    public void Decode(ReadOnlySpan<byte> datagram, DecodeTarget target)
    {
        if (datagram.Length > 0 && char.IsAsciiDigit((char)datagram[0]))
        {
            // Rare: read it with the stream framing, which knows counts.
            var framed = new SyslogStreamDecoder(MaxDatagramBytes);
            var used = framed.Decode(datagram, target);
            framed.DecodeLast(datagram[used..], target);
            return;
        }
        if (!SyslogParser.Parse(datagram, target))
        {
            target.Reject("empty datagram");
        }
    }
}
