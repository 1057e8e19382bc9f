namespace Vigie.Server;

/// <summary>One protocol listener: on or off, and where it listens.</summary>
/// <param name="Enabled">Whether the listener runs.</param>
/// <param name="Address">
/// <c>HOST:PORT</c> for socket listeners; for protocols served on the HTTP API's port, the address is
/// that of the API and this is null.
/// </param>
/// <param name="Streams">Stream fields for this protocol's events (comma-separated); null keeps the protocol's default.</param>
public sealed record ListenerSetting(bool Enabled, string? Address = null, string? Streams = null);

/// <summary>
/// Every protocol listener of <c>vigie serve</c>, each enabled, disabled and moved by flag, environment
/// variable or config file. Names are those used in <c>/metrics</c> (<c>listener="syslog-tcp"</c>).
/// </summary>
public sealed record ListenerOptions
{
    public ListenerSetting SyslogUdp { get; init; } = new(true, "127.0.0.1:5514");

    public ListenerSetting SyslogTcp { get; init; } = new(true, "127.0.0.1:5514");

    /// <summary>Syslog over TLS (RFC 5425); off until a certificate is given.</summary>
    public ListenerSetting SyslogTls { get; init; } = new(false, "127.0.0.1:6514");

    public ListenerSetting GelfUdp { get; init; } = new(true, "127.0.0.1:12201");

    public ListenerSetting GelfTcp { get; init; } = new(true, "127.0.0.1:12201");

    public ListenerSetting GelfHttp { get; init; } = new(true);

    public ListenerSetting Fluent { get; init; } = new(true, "127.0.0.1:24224");

    public ListenerSetting Elasticsearch { get; init; } = new(true);

    public ListenerSetting Loki { get; init; } = new(true);

    public ListenerSetting OtlpHttp { get; init; } = new(true);

    public ListenerSetting OtlpGrpc { get; init; } = new(true, "127.0.0.1:4317");

    public ListenerSetting Seq { get; init; } = new(true);

    public ListenerSetting Splunk { get; init; } = new(true);

    public ListenerSetting Journald { get; init; } = new(true);
}
