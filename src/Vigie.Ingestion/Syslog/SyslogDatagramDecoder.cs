using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Syslog;

/// <summary>Syslog over UDP: one message per datagram, with or without a trailing LF.</summary>
public sealed class SyslogDatagramDecoder : IDatagramDecoder
{
    public void Decode(ReadOnlySpan<byte> datagram, DecodeTarget target)
    {
        if (!SyslogParser.Parse(datagram, target))
        {
            target.Reject("empty datagram");
        }
    }
}
