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

    /// <summary>PEM certificate (chain) of the syslog TLS listener (<c>--syslog-tls-cert</c>).</summary>
    public string? SyslogTlsCertificate { get; init; }

    /// <summary>PEM private key of the syslog TLS listener; null when the certificate file holds it.</summary>
    public string? SyslogTlsKey { get; init; }

    /// <summary>Splunk HEC tokens accepted in <c>Authorization: Splunk TOKEN</c>; empty accepts any request.</summary>
    public IReadOnlyList<string> SplunkTokens { get; init; } = [];

    /// <summary>The listener names, as in flags (<c>--syslog-tcp</c>), config files and metrics.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "syslog-udp", "syslog-tcp", "syslog-tls", "gelf-udp", "gelf-tcp", "gelf-http", "fluent",
        "elasticsearch", "loki", "otlp-http", "otlp-grpc", "seq", "splunk", "journald",
    ];

    /// <summary>Whether the listener has a socket of its own (else it is served on the HTTP API's port).</summary>
    public static bool HasOwnAddress(string name) => name is "syslog-udp" or "syslog-tcp" or "syslog-tls" or "gelf-udp" or "gelf-tcp" or "fluent" or "otlp-grpc";

    /// <summary>
    /// These listeners with every one that has a port of its own turned off: the HTTP API alone, for
    /// servers that run side by side on one host (a test instance beside production, tests).
    /// </summary>
    public ListenerOptions WithoutOwnPorts() =>
        Names.Where(HasOwnAddress).Aggregate(this, (options, name) => options.With(name, options.Get(name) with { Enabled = false }));

    public ListenerSetting Get(string name) => name switch
    {
        "syslog-udp" => SyslogUdp,
        "syslog-tcp" => SyslogTcp,
        "syslog-tls" => SyslogTls,
        "gelf-udp" => GelfUdp,
        "gelf-tcp" => GelfTcp,
        "gelf-http" => GelfHttp,
        "fluent" => Fluent,
        "elasticsearch" => Elasticsearch,
        "loki" => Loki,
        "otlp-http" => OtlpHttp,
        "otlp-grpc" => OtlpGrpc,
        "seq" => Seq,
        "splunk" => Splunk,
        "journald" => Journald,
        _ => throw new ArgumentException($"no listener named {name}", nameof(name)),
    };

    public ListenerOptions With(string name, ListenerSetting setting) => name switch
    {
        "syslog-udp" => this with { SyslogUdp = setting },
        "syslog-tcp" => this with { SyslogTcp = setting },
        "syslog-tls" => this with { SyslogTls = setting },
        "gelf-udp" => this with { GelfUdp = setting },
        "gelf-tcp" => this with { GelfTcp = setting },
        "gelf-http" => this with { GelfHttp = setting },
        "fluent" => this with { Fluent = setting },
        "elasticsearch" => this with { Elasticsearch = setting },
        "loki" => this with { Loki = setting },
        "otlp-http" => this with { OtlpHttp = setting },
        "otlp-grpc" => this with { OtlpGrpc = setting },
        "seq" => this with { Seq = setting },
        "splunk" => this with { Splunk = setting },
        "journald" => this with { Journald = setting },
        _ => throw new ArgumentException($"no listener named {name}", nameof(name)),
    };

    /// <summary>
    /// Applies a flag or environment value: <c>off</c>, <c>on</c>, or <c>HOST:PORT</c> (on, at that address).
    /// </summary>
    /// <exception cref="FormatException">Neither of these, or an address for a listener served on the API port.</exception>
    public ListenerOptions Apply(string name, string value)
    {
        var current = Get(name);
        var text = value.Trim();
        return text.ToLowerInvariant() switch
        {
            "off" or "false" or "no" or "0" => With(name, current with { Enabled = false }),
            "on" or "true" or "yes" or "1" => With(name, current with { Enabled = true }),
            _ when !HasOwnAddress(name) => throw new FormatException($"{name} is served on the HTTP API's port: expected on or off, not '{value}'"),
            _ => With(name, current with { Enabled = true, Address = CheckAddress(name, text) }),
        };
    }

    private static string CheckAddress(string name, string text)
    {
        try
        {
            ListenAddress.Parse(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"{name}: expected on, off or HOST:PORT (e.g. 0.0.0.0:5514), not '{text}'");
        }
        return text;
    }
}
