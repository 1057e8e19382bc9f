using System.Globalization;
using Vigie.Cli.Arguments;
using Vigie.Core;
using Vigie.Server;
using Vigie.Server.Configuration;

namespace Vigie.Cli.Commands;

/// <summary><c>vigie serve</c>: runs the server until Ctrl+C or SIGTERM.</summary>
public static class ServeCommand
{
    public const string DefaultData = "./vigie-data";
    public const string DefaultListen = "127.0.0.1:9880";

    public static readonly CommandSpec Spec = new("serve", """
        usage: vigie serve [--config FILE] [--data DIR] [--listen HOST:PORT] [--retention AGE] [--max-disk SIZE]
                           [--max-unflushed SIZE] [--api-key KEY ...] [--LISTENER on|off|HOST:PORT ...]

        Runs the server: storage, queries and the HTTP API. Ctrl+C or SIGTERM stop it cleanly
        (a second Ctrl+C forces it).

        flags (each also read from an environment variable; the flag wins):
          --config FILE       YAML config file: listeners and pipelines (VIGIE_CONFIG,
                              default none)
          --data DIR          data directory, relative to the current directory
                              (VIGIE_DATA, default ./vigie-data)
          --listen HOST:PORT  address of the HTTP API (VIGIE_LISTEN, default 127.0.0.1:9880)
          --retention AGE     drop days older than AGE, e.g. 30d, 12w, 1y; 0 or off keeps
                              everything (VIGIE_RETENTION, default off)
          --max-disk SIZE     drop the oldest days past SIZE on disk, e.g. 20GB, 500MB, 1.5GiB
                              or plain bytes; KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB
                              powers of 1024; 0 or off means no limit (VIGIE_MAX_DISK, default off)
          --max-unflushed SIZE  memory for events received but not yet written to parts;
                              past it, ingestion waits for the next write. Lower: less memory,
                              more and smaller writes, more CPU (VIGIE_MAX_UNFLUSHED, at
                              least 8MiB, default 72MiB)
          --api-key KEY       an API key ingestion accepts; repeat the flag for several keys.
                              Once any key is set, POST /api/v1/ingest needs
                              Authorization: Bearer KEY and the Seq endpoints X-Seq-ApiKey: KEY
                              (VIGIE_API_KEYS=K1,K2, or api_keys: in the config file; default none)

        listeners (each: on, off, or HOST:PORT to move it; environment VIGIE_ + the name in
        upper case with _ for -, e.g. VIGIE_SYSLOG_TCP=off; flags win over the environment,
        which wins over the listeners: section of the config file):
          --syslog-udp        syslog over UDP (default 127.0.0.1:5514)
          --syslog-tcp        syslog over TCP, LF-terminated or octet-counted (default 127.0.0.1:5514)
          --syslog-tls        syslog over TLS (default off; 127.0.0.1:6514 once given a certificate)
          --syslog-tls-cert FILE  PEM certificate of syslog-tls (VIGIE_SYSLOG_TLS_CERT)
          --syslog-tls-key FILE   PEM private key of syslog-tls (VIGIE_SYSLOG_TLS_KEY)
          --gelf-udp          GELF over UDP, chunked, gzip/zlib (default 127.0.0.1:12201)
          --gelf-tcp          GELF over TCP, NUL-delimited (default 127.0.0.1:12201)
          --gelf-http         POST /gelf on the HTTP API (on|off, default on)
          --fluent            Fluent Forward (default 127.0.0.1:24224)
          --splunk            Splunk HEC, /services/collector/* on the HTTP API (on|off, default on)
          --splunk-token LIST tokens accepted by Splunk HEC, comma-separated; none set accepts
                              any request (VIGIE_SPLUNK_TOKEN)
          --elasticsearch, --loki, --otlp-http, --seq, --journald   on|off (on the HTTP API)
          --otlp-grpc         OTLP over gRPC (default 127.0.0.1:4317)

        """, ["config", "data", "listen", "retention", "max-disk", "max-unflushed", "api-key", .. ListenerOptions.Names, "syslog-tls-cert", "syslog-tls-key", "splunk-token"], [], 0);

    /// <summary>Builds the server's options from flags, then environment, then defaults.</summary>
    public static ServerOptions Options(ParsedArgs args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        var data = args.Resolve("data", "VIGIE_DATA", environment, DefaultData);
        var listen = args.Resolve("listen", "VIGIE_LISTEN", environment, DefaultListen);
        var retention = args.Resolve("retention", "VIGIE_RETENTION", environment, "off");
        var maxDisk = args.Resolve("max-disk", "VIGIE_MAX_DISK", environment, "off");
        var maxUnflushed = args.Resolve("max-unflushed", "VIGIE_MAX_UNFLUSHED", environment, "");
        var config = args.Resolve("config", "VIGIE_CONFIG", environment, "");
        return new ServerOptions
        {
            DataDir = Path.GetFullPath(data),
            Listen = CheckListen(listen),
            Retention = ParseRetention(retention),
            MaxDiskBytes = ParseMaxDisk(maxDisk),
            MaxUnflushedBytes = ParseMaxUnflushed(maxUnflushed),
            ConfigFile = CheckConfigFile(config),
            Listeners = Listeners(args, environment, CheckConfigFile(config)),
            ApiKeys = ApiKeys(args, environment, CheckConfigFile(config)),
        };
    }

    /// <summary>The API keys: every <c>--api-key</c> flag, else <c>VIGIE_API_KEYS</c>, else the config file's <c>api_keys:</c>.</summary>
    public static IReadOnlyList<string> ApiKeys(ParsedArgs args, Func<string, string?> environment, string? configFile)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var flags = args.GetAll("api-key").Select(k => k.Trim()).ToList();
        if (flags.Count > 0)
        {
            return flags.Any(k => k.Length == 0) ? throw new UsageException("--api-key needs a non-empty key") : flags;
        }
        if (environment("VIGIE_API_KEYS") is { Length: > 0 } fromEnvironment)
        {
            return ApiKeysConfigFile.Split(fromEnvironment);
        }
        if (configFile is null)
        {
            return [];
        }
        try
        {
            return ApiKeysConfigFile.Load(configFile);
        }
        catch (ConfigFileException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The listeners: defaults, then the config file's <c>listeners:</c>, then environment, then flags.</summary>
    public static ListenerOptions Listeners(ParsedArgs args, Func<string, string?> environment, string? configFile)
    {
        ArgumentNullException.ThrowIfNull(args);
        var listeners = new ListenerOptions();
        if (configFile is not null)
        {
            try
            {
                listeners = ListenerConfigFile.Load(configFile, listeners);
            }
            catch (ConfigFileException e)
            {
                throw new UsageException(e.Message);
            }
        }
        foreach (var name in ListenerOptions.Names)
        {
            var value = args.Resolve(name, EnvName(name), environment, "");
            if (value.Length == 0)
            {
                continue;
            }
            try
            {
                listeners = listeners.Apply(name, value);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--{name} '{value}': {e.Message}");
            }
        }
        var cert = args.Resolve("syslog-tls-cert", "VIGIE_SYSLOG_TLS_CERT", environment, "");
        if (cert.Length > 0)
        {
            listeners = listeners with { SyslogTlsCertificate = Path.GetFullPath(cert) };
        }
        var key = args.Resolve("syslog-tls-key", "VIGIE_SYSLOG_TLS_KEY", environment, "");
        if (key.Length > 0)
        {
            listeners = listeners with { SyslogTlsKey = Path.GetFullPath(key) };
        }
        // A certificate given without the listener's flag turns syslog-tls on at its default address.
        if (listeners.SyslogTlsCertificate is not null && args.Resolve("syslog-tls", "VIGIE_SYSLOG_TLS", environment, "").Length == 0 && !listeners.SyslogTls.Enabled)
        {
            listeners = listeners with { SyslogTls = listeners.SyslogTls with { Enabled = true } };
        }
        if (listeners.SyslogTls.Enabled && listeners.SyslogTlsCertificate is null)
        {
            throw new UsageException("syslog-tls needs a certificate: --syslog-tls-cert FILE (and --syslog-tls-key FILE)");
        }
        var tokens = args.Resolve("splunk-token", "VIGIE_SPLUNK_TOKEN", environment, "");
        if (tokens.Length > 0)
        {
            listeners = listeners with { SplunkTokens = tokens.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        }
        return listeners;
    }

    /// <summary><c>syslog-tcp</c> → <c>VIGIE_SYSLOG_TCP</c>.</summary>
    public static string EnvName(string listener) => "VIGIE_" + listener.Replace('-', '_').ToUpperInvariant();

    public static async Task<int> RunAsync(ParsedArgs args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var options = Options(args, console.Environment);
        using var stopping = new StopSignals("vigie", console.Error, cancellationToken);
        try
        {
            return await VigieServer.RunAsync(options, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.Token.IsCancellationRequested)
        {
            return CliApp.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException)
        {
            await console.Error.WriteLineAsync($"vigie serve: {e.Message}").ConfigureAwait(false);
            return CliApp.Failed;
        }
    }

    public static string CheckListen(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new UsageException($"invalid --listen '{listen}': expected HOST:PORT, e.g. 127.0.0.1:9880 or 0.0.0.0:9880");
        }
        return listen;
    }

    public static string? CheckConfigFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return null;
        }
        if (!File.Exists(path))
        {
            throw new UsageException($"--config '{path}': no such file");
        }
        return Path.GetFullPath(path);
    }

    public static TimeSpan? ParseRetention(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsOff(text))
        {
            return null;
        }
        if (!Durations.TryParse(text.Trim(), out var ns))
        {
            throw new UsageException($"invalid --retention '{text}': expected an age like 30d, 12w, 36h or off");
        }
        return TimeSpan.FromTicks(ns / 100);
    }

    public static long? ParseMaxDisk(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsOff(text))
        {
            return null;
        }
        if (!ByteSize.TryParse(text, out var bytes))
        {
            throw new UsageException($"invalid --max-disk '{text}': expected a size like 20GB, 500MB, 1.5GiB, a byte count or off");
        }
        return bytes == 0 ? null : bytes;
    }

    /// <summary>Below this a flush would write parts of a few batches each.</summary>
    public const long MinMaxUnflushedBytes = 8L * 1024 * 1024;

    /// <summary>The back-pressure bound of <c>--max-unflushed</c>; null (empty) keeps the store's default.</summary>
    public static long? ParseMaxUnflushed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Length == 0)
        {
            return null;
        }
        if (!ByteSize.TryParse(text, out var bytes) || bytes < MinMaxUnflushedBytes)
        {
            throw new UsageException($"invalid --max-unflushed '{text}': expected a size of at least 8MiB, like 48MiB or 64MB");
        }
        return bytes;
    }

    private static bool IsOff(string text) => text.Trim() is "0" or "off" or "none" or "";
}
