using System.Net;
using System.Net.Security;
using Vigie.Core;

namespace Vigie.Ingestion.Listeners;

/// <summary>What a TCP (or TLS) listener needs to know.</summary>
public sealed record StreamListenerOptions
{
    /// <summary>The name in metrics and logs, e.g. <c>syslog-tcp</c>.</summary>
    public required string Name { get; init; }

    public required IPEndPoint Endpoint { get; init; }

    public required Func<IStreamDecoder> NewDecoder { get; init; }

    public required StreamFields Streams { get; init; }

    /// <summary>The longest frame; also what one connection's buffer can grow to.</summary>
    public int MaxFrameBytes { get; init; } = 1024 * 1024;

    /// <summary>Connections beyond this are closed at once.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>A connection that sends nothing for this long is closed (slow or dead senders hold memory).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Events per batch before it is stored even if more bytes are waiting.</summary>
    public int FlushEvents { get; init; } = 8192;

    /// <summary>When set, connections speak TLS first.</summary>
    public SslServerAuthenticationOptions? Tls { get; init; }
}
