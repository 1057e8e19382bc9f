using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;
using Vigie.Agent.Docker;
using Vigie.Agent.Edge;
using Vigie.Agent.Files;
using Vigie.Agent.Journald;

namespace Vigie.Agent.Hosting;

/// <summary>
/// Runs the agent: opens the buffer, starts the sources, the shipper and the local endpoint, and
/// stops them in the order that loses nothing (sources first, then what they appended is made
/// durable; what is not sent yet waits in the buffer for the next start).
/// </summary>
public sealed class AgentRunner
{
    private readonly AgentOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ILogSource> _sources;
    private readonly TaskCompletionSource<int?> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="sources">The sources to run; null builds them from the options (<see cref="BuildSources"/>).</param>
    public AgentRunner(AgentOptions options, ILoggerFactory loggers, IReadOnlyList<ILogSource>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("vigie.agent");
        Host = new AgentHost(string.IsNullOrWhiteSpace(options.Hostname) ? Environment.MachineName : options.Hostname);
        _sources = sources ?? BuildSources(options, Host, loggers, Metrics.Docker);
    }

    public AgentHost Host { get; }

    public AgentMetrics Metrics { get; } = new();

    /// <summary>The buffer, once open.</summary>
    public DiskBuffer? Buffer { get; private set; }

    /// <summary>Completes once everything runs, with the local endpoint's port (null when it is off).</summary>
    public Task<int?> Started => _started.Task;

    /// <summary>The sources the options ask for. Each kind of source is one line here.</summary>
    public static IReadOnlyList<ILogSource> BuildSources(AgentOptions options, AgentHost host, ILoggerFactory loggers, DockerMetrics? dockerMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var sources = new List<ILogSource>();
        if (options.Docker.Enabled)
        {
            sources.Add(new DockerSource(options.Docker, host, loggers.CreateLogger("vigie.agent.docker"), dockerMetrics));
        }
        if (options.Files.Inputs.Count > 0)
        {
            sources.Add(new FileSource(options.Files, host, loggers.CreateLogger("vigie.agent.files")));
        }
        if (options.Journald.Enabled)
        {
            sources.Add(new JournaldSource(options.Journald, host, loggers.CreateLogger("vigie.agent.journald")));
        }
        return sources;
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.DataDir);
        var agentId = AgentIdentity.LoadOrCreate(_options.DataDir);
        var bufferOptions = new BufferOptions
        {
            Directory = Path.Combine(_options.DataDir, BufferFormat.BufferDirectory),
            MaxBytes = _options.BufferBytes,
            BatchMaxAge = _options.BatchWait,
        };
        var buffer = DiskBuffer.Open(bufferOptions, _loggers.CreateLogger("vigie.agent.buffer"), Metrics.Delivery);
        Buffer = buffer;
        _logger.LogInformation("agent {AgentId} on host {Host}: sending to {Server}, buffer in {Buffer} (up to {Bytes} bytes)",
            agentId, Host.Name, _options.Server, bufferOptions.Directory, bufferOptions.MaxBytes);
        using var shipper = new Shipper(buffer, new ShipperOptions { Server = _options.Server, ApiKey = _options.ApiKey, AgentId = agentId },
            Metrics.Delivery, _loggers.CreateLogger("vigie.agent.delivery"));
        // Edge pipelines sit between the sources and the buffer; positions still come from the buffer.
        var edge = _options.Pipelines.Count == 0 ? null : new EdgeSink(buffer, _options.Pipelines, _loggers.CreateLogger("vigie.agent.pipelines"));
        ILineSink sink = edge is null ? buffer : edge;
        if (edge is not null)
        {
            _logger.LogInformation("edge pipelines: {Pipelines}", string.Join(", ", _options.Pipelines.Select(p => p.Name)));
        }
        LocalEndpoint? endpoint = null;
        using var stopSources = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopShipper = new CancellationTokenSource();
        var shipping = Task.Run(() => shipper.RunAsync(stopShipper.Token), CancellationToken.None);
        var running = _sources.Select(source => Task.Run(() => RunSourceAsync(source, sink, buffer, stopSources.Token), CancellationToken.None)).ToList();
        try
        {
            if (_options.Listen is { } listen)
            {
                endpoint = new LocalEndpoint(AgentListen.Parse(listen), () => Metrics.Render(buffer, edge), () => buffer.IsWriting, _loggers.CreateLogger("vigie.agent.http"));
                endpoint.Start();
                _logger.LogInformation("/healthz and /metrics on http://{Endpoint}", endpoint.Bound);
            }
            if (_sources.Count == 0)
            {
                _logger.LogWarning("no source to follow: enable docker, files or journald (see --config)");
            }
            _started.TrySetResult(endpoint?.Bound.Port);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogInformation("stopping");
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException)
        {
            _logger.LogError("cannot listen on {Listen}: {Reason}", _options.Listen, e.Message);
            _started.TrySetException(e);
            return 1;
        }
        finally
        {
            await stopSources.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            if (edge is not null)
            {
                // Held multiline events go into the buffer now rather than being read again at the next start.
                await edge.FlushAllAsync(CancellationToken.None).ConfigureAwait(false);
                await edge.DisposeAsync().ConfigureAwait(false);
            }
            // What the sources appended is made durable before the shipper stops: sent at the next start if not now.
            await buffer.CloseAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await stopShipper.CancelAsync().ConfigureAwait(false);
            await shipping.ConfigureAwait(false);
            if (endpoint is not null)
            {
                await endpoint.DisposeAsync().ConfigureAwait(false);
            }
            _logger.LogInformation("stopped; {Lines} lines wait in the buffer for the next start", buffer.PendingLines);
        }
        return 0;
    }

    private async Task RunSourceAsync(ILogSource source, ILineSink into, DiskBuffer buffer, CancellationToken cancellationToken)
    {
        var logger = _loggers.CreateLogger("vigie.agent." + source.Name);
        var sink = new CountingSink(into, Metrics.For(source.Name));
        logger.LogInformation("source {Source} started", source.Name);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await source.RunAsync(sink, buffer, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A source is meant to retry inside; one that fails anyway is restarted rather than lost.
                logger.LogError(e, "source {Source} failed; restarting it in 5 s", source.Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        logger.LogInformation("source {Source} stopped", source.Name);
    }
}
