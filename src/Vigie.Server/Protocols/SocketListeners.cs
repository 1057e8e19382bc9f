using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigie.Ingestion.Fluent;
using Vigie.Ingestion.Gelf;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Service;
using Vigie.Ingestion.Syslog;

namespace Vigie.Server.Protocols;

/// <summary>
/// The syslog, GELF and Fluent Forward sockets of <c>vigie serve</c>: opened with the host, before it
/// takes HTTP requests, closed when it stops.
/// </summary>
public sealed class SocketListeners(ServerOptions options, IngestionService ingestion, ILoggerFactory loggers) : IHostedService
{
    /// <summary>Largest syslog message, GELF message (decompressed) and Fluent Forward message.</summary>
    public const int MaxSyslogBytes = 1024 * 1024;
    public const int MaxGelfBytes = 8 * 1024 * 1024;
    public const int MaxFluentBytes = 16 * 1024 * 1024;

    private readonly List<StreamListener> _streams = [];
    private readonly List<DatagramListener> _datagrams = [];

    /// <summary>The bound address of a socket listener by name (tests ask for port 0 and read the port here).</summary>
    public IPEndPoint? EndPoint(string name) =>
        _streams.FirstOrDefault(l => l.Name == name)?.LocalEndPoint ?? _datagrams.FirstOrDefault(l => l.Name == name)?.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var l = options.Listeners;
        try
        {
            StartDatagram("syslog-udp", l.SyslogUdp, new SyslogDatagramDecoder(), ProtocolStreams.Syslog);
            StartStream("syslog-tcp", l.SyslogTcp, () => new SyslogStreamDecoder(MaxSyslogBytes), ProtocolStreams.Syslog, MaxSyslogBytes);
            if (l.SyslogTls.Enabled)
            {
                // The TLS settings are made in a lambda, compiled only when called: a method that
                // names them loads the TLS and cryptography libraries (about 1.5 MB resident) when
                // it is compiled, which StartAsync and StartStream are in every server.
                StartStream("syslog-tls", l.SyslogTls, () => new SyslogStreamDecoder(MaxSyslogBytes), ProtocolStreams.Syslog, MaxSyslogBytes, o => o with { Tls = Tls(l) });
            }
            StartDatagram("gelf-udp", l.GelfUdp, new GelfDatagramDecoder(), ProtocolStreams.Gelf);
            StartStream("gelf-tcp", l.GelfTcp, () => new GelfStreamDecoder(MaxGelfBytes), ProtocolStreams.Gelf, MaxGelfBytes);
            StartStream("fluent", l.Fluent, () => new FluentForwardDecoder(MaxFluentBytes), ProtocolStreams.Fluent, MaxFluentBytes);
        }
        catch
        {
            StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            throw;
        }
        return Task.CompletedTask;
    }

    private static SslServerAuthenticationOptions Tls(ListenerOptions l)
    {
        if (l.SyslogTlsCertificate is not { } certFile)
        {
            throw new InvalidOperationException("syslog-tls needs a certificate: --syslog-tls-cert FILE (and --syslog-tls-key FILE), or cert:/key: in the config file");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certFile, l.SyslogTlsKey);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"syslog-tls: cannot load the certificate {certFile}: {e.Message}", e);
        }
        return new SslServerAuthenticationOptions { ServerCertificate = certificate, ClientCertificateRequired = false };
    }

    private void StartStream(string name, ListenerSetting setting, Func<IStreamDecoder> decoder, string defaultStreams, int maxFrame, Func<StreamListenerOptions, StreamListenerOptions>? withTls = null)
    {
        if (!setting.Enabled || setting.Address is null)
        {
            return;
        }
        var listenerOptions = new StreamListenerOptions
        {
            Name = name,
            Endpoint = ListenAddress.Parse(setting.Address),
            NewDecoder = decoder,
            Streams = ProtocolStreams.For(setting, defaultStreams),
            MaxFrameBytes = maxFrame,
        };
        var listener = new StreamListener(withTls?.Invoke(listenerOptions) ?? listenerOptions, ingestion, loggers.CreateLogger("Vigie.Listeners"));
        Bind(name, setting, listener.Start);
        _streams.Add(listener);
    }

    private void StartDatagram(string name, ListenerSetting setting, IDatagramDecoder decoder, string defaultStreams)
    {
        if (!setting.Enabled || setting.Address is null)
        {
            return;
        }
        var listener = new DatagramListener(name, ListenAddress.Parse(setting.Address), decoder, ProtocolStreams.For(setting, defaultStreams), ingestion, loggers.CreateLogger("Vigie.Listeners"));
        Bind(name, setting, listener.Start);
        _datagrams.Add(listener);
    }

    private static void Bind(string name, ListenerSetting setting, Action start)
    {
        try
        {
            start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new IOException($"{name}: cannot listen on {setting.Address}: {e.Message} (move it with --{name} HOST:PORT or turn it off with --{name} off)", e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in _streams)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var listener in _datagrams)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
        _streams.Clear();
        _datagrams.Clear();
    }
}
