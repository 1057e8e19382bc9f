using Vigie.Agent.Hosting;
using Vigie.Cli.Arguments;
using Vigie.Core;

namespace Vigie.Cli.Commands;

/// <summary>
/// <c>vigie agent</c>: collects this host's logs and ships them to a server, until Ctrl+C or SIGTERM.
/// This part (flags and options) is also compiled into the <c>vigie-agent</c> executable, which
/// takes the same flags; it depends only on the argument parser and the agent.
/// </summary>
public static partial class AgentCommand
{
    public static readonly CommandSpec Spec = new("agent", """
        usage: vigie agent --server URL [--api-key KEY] [--docker-host unix:///PATH|off] [--data DIR]
                           [--docker-log-files on|off] [--config FILE] [--listen HOST:PORT|off] [--hostname NAME]
                           [--buffer-size SIZE] [--batch-wait DURATION]

        Collects the logs of this host's containers (and files and the journal, as the config
        file says) and sends them to a Vigie server. Everything read is kept in a disk buffer
        until the server has stored it: a server that is down or restarting loses nothing, and
        a restarted agent resumes where it stopped. Ctrl+C or SIGTERM stop it cleanly.

        flags (each also read from an environment variable; the flag wins):
          --server URL           the Vigie server, e.g. http://vigie.example:9880 (VIGIE_SERVER,
                                 required)
          --api-key KEY          API key sent to the server (VIGIE_API_KEY, default none)
          --docker-host ADDR     Docker Engine socket, or off to not follow containers
                                 (VIGIE_DOCKER_HOST, default unix:///var/run/docker.sock)
          --docker-log-files on  read the files of containers logging with json-file or local
                                 directly, when readable (/var/lib/docker/containers), instead
                                 of the Docker API's stream (VIGIE_DOCKER_LOG_FILES, default
                                 off, or log-files: in the config file's docker: section)
          --data DIR             positions and buffer, relative to the current directory
                                 (VIGIE_AGENT_DATA, default ./vigie-agent-data)
          --config FILE          YAML config: docker:, files:, journald: sections
                                 (VIGIE_AGENT_CONFIG, default none)
          --listen HOST:PORT     local /healthz and /metrics, or off (VIGIE_AGENT_LISTEN,
                                 default 127.0.0.1:9881)
          --hostname NAME        the host field of every line (VIGIE_HOSTNAME, default the
                                 machine's name)
          --buffer-size SIZE     bound of the disk buffer, e.g. 512MiB, 2GB; past it the oldest
                                 unsent lines are dropped and counted (VIGIE_BUFFER_SIZE,
                                 default 512MiB)
          --batch-wait DURATION  how long a batch waits for more lines before it is sent, e.g.
                                 1s, 200ms (VIGIE_BATCH_WAIT, default 1s)

        """, ["server", "api-key", "docker-host", "docker-log-files", "data", "config", "listen", "hostname", "buffer-size", "batch-wait"], [], 0);

    /// <summary>Builds the agent's options: defaults, then the config file, then environment, then flags.</summary>
    public static AgentOptions Options(ParsedArgs args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        var serverText = args.Resolve("server", "VIGIE_SERVER", environment, "");
        if (serverText.Length == 0)
        {
            throw new UsageException("--server URL is required (or VIGIE_SERVER), e.g. --server http://vigie.example:9880");
        }
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"invalid --server '{serverText}': expected an http:// or https:// URL, e.g. http://vigie.example:9880");
        }
        var config = CheckConfigFile(args.Resolve("config", "VIGIE_AGENT_CONFIG", environment, ""));
        var options = new AgentOptions
        {
            Server = server,
            DataDir = Path.GetFullPath(args.Resolve("data", "VIGIE_AGENT_DATA", environment, AgentOptions.DefaultData)),
            ConfigFile = config,
        };
        if (config is not null)
        {
            try
            {
                options = AgentConfigFile.Load(config, options);
            }
            catch (AgentConfigException e)
            {
                throw new UsageException(e.Message);
            }
        }
        var apiKey = args.Resolve("api-key", "VIGIE_API_KEY", environment, "");
        var dockerHost = args.Resolve("docker-host", "VIGIE_DOCKER_HOST", environment, "");
        if (dockerHost is "off" or "none")
        {
            options = options with { Docker = options.Docker with { Enabled = false } };
        }
        else if (dockerHost.Length > 0)
        {
            if (!dockerHost.StartsWith("unix://", StringComparison.Ordinal) || dockerHost.Length <= "unix://".Length)
            {
                throw new UsageException($"invalid --docker-host '{dockerHost}': expected unix:///path/to/docker.sock or off");
            }
            options = options with { Docker = options.Docker with { Endpoint = dockerHost } };
        }
        var logFiles = args.Resolve("docker-log-files", "VIGIE_DOCKER_LOG_FILES", environment, "");
        if (logFiles.Length > 0)
        {
            var on = logFiles switch
            {
                "on" or "true" or "yes" => true,
                "off" or "false" or "no" => false,
                _ => throw new UsageException($"invalid --docker-log-files '{logFiles}': expected on or off"),
            };
            options = options with { Docker = options.Docker with { ReadLogFiles = on } };
        }
        var listen = args.Resolve("listen", "VIGIE_AGENT_LISTEN", environment, AgentOptions.DefaultListen);
        var hostname = args.Resolve("hostname", "VIGIE_HOSTNAME", environment, "");
        var bufferSize = args.Resolve("buffer-size", "VIGIE_BUFFER_SIZE", environment, "512MiB");
        if (!ByteSize.TryParse(bufferSize, out var bufferBytes) || bufferBytes < 1024 * 1024)
        {
            throw new UsageException($"invalid --buffer-size '{bufferSize}': expected a size of at least 1MiB, e.g. 512MiB, 2GB");
        }
        var batchWait = args.Resolve("batch-wait", "VIGIE_BATCH_WAIT", environment, "1s");
        if (!Durations.TryParse(batchWait.Trim(), out var waitNs) || waitNs <= 0 || waitNs > 60 * Timestamps.NanosPerSecond)
        {
            throw new UsageException($"invalid --batch-wait '{batchWait}': expected a duration from 1ms to 60s, e.g. 1s, 200ms");
        }
        return options with
        {
            ApiKey = apiKey.Length == 0 ? null : apiKey,
            Listen = listen is "off" or "none" ? null : CheckListen(listen),
            Hostname = hostname.Length == 0 ? null : hostname,
            BufferBytes = bufferBytes,
            BatchWait = TimeSpan.FromTicks(waitNs / 100),
        };
    }

    private static string CheckListen(string listen)
    {
        try
        {
            _ = AgentListen.Parse(listen);
            return listen;
        }
        catch (FormatException e)
        {
            throw new UsageException($"invalid --listen '{listen}': {e.Message}");
        }
    }

    private static string? CheckConfigFile(string path)
    {
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
}
