using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Docker;

/// <summary>
/// Collects every container's stdout and stderr through the Docker Engine API: lists the containers,
/// follows each one's log stream, and reacts to the daemon's events (start, die, destroy, rename).
/// When the daemon is unreachable or restarts, it retries with backoff, resumes every container
/// from its position, and replays the events it missed so that containers run in the gap are read.
/// </summary>
public sealed class DockerSource : ILogSource
{
    private static readonly TimeSpan DestroyGrace = TimeSpan.FromSeconds(10);

    // Events are asked for from a little before the connection broke, so that clocks a little apart
    // (a remote daemon) still cover the gap; lines read twice are skipped by their positions.
    private static readonly TimeSpan ReplayMargin = TimeSpan.FromSeconds(5);

    private readonly DockerSourceOptions _options;
    private readonly AgentHost _host;
    private readonly ILogger _logger;
    private readonly string? _ownContainer = OwnContainer.Detect();

    // Positions live across sessions (a daemon restart): lines handed to the sink are not read again,
    // even those not yet durable, which the position book would not know of.
    private readonly ConcurrentDictionary<string, LogPosition> _positions = new(StringComparer.Ordinal);
    private long _lines;
    private int _followed;

    // Since when the next session asks the daemon to replay events: when the source started, then when
    // the last session's connection broke. A container that starts and exits before a session connects
    // (the first one included) is known only from the events the daemon replays since then.
    private DateTimeOffset _replayFrom;

    public DockerSource(DockerSourceOptions options, AgentHost host, ILogger logger, DockerMetrics? metrics = null)
    {
        _options = options;
        _host = host;
        _logger = logger;
        Metrics = metrics ?? new DockerMetrics();
    }

    /// <summary>The source's counters (the agent's own, rendered in its <c>/metrics</c>).</summary>
    public DockerMetrics Metrics { get; }

    public string Name => "docker";

    /// <summary>Lines handed to the sink since the start.</summary>
    public long LinesRead => Interlocked.Read(ref _lines);

    /// <summary>Containers whose log is being followed now.</summary>
    public int ContainersFollowed => Volatile.Read(ref _followed);

    public async Task RunAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Docker source disabled");
            return;
        }
        using var client = new DockerEngineClient(_options.Endpoint);
        var backoff = new Backoff();
        _replayFrom = DateTimeOffset.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(client, sink, positions, backoff, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (ContainerFollower.IsTransient(e))
            {
                var wait = backoff.Next();
                _logger.LogWarning("Docker at {Endpoint} is unreachable ({Reason}); retrying in {Wait:0.0} s", _options.Endpoint, e.Message, wait.TotalSeconds);
                try
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One connection to the daemon: its event stream, and a follower per container, until the stream breaks.</summary>
    private async Task RunSessionAsync(DockerEngineClient client, ILineSink sink, IPositionBook book, Backoff backoff, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var followers = new Dictionary<string, ContainerFollower>(StringComparer.Ordinal);
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var connected = false;
        try
        {
            // Events first, then the list: a container started in between is in one or the other.
            using var events = await client.OpenEventsAsync(_replayFrom - ReplayMargin, session.Token).ConfigureAwait(false);
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(session.Token).ConfigureAwait(false));
            connected = true;
            backoff.Reset();
            _logger.LogInformation("connected to Docker at {Endpoint}", _options.Endpoint);
            var containers = await client.ListContainersAsync(session.Token).ConfigureAwait(false);
            ForgetRemoved(containers, book);
            foreach (var container in containers)
            {
                // A stopped container is read only if it was followed before: what it wrote since.
                if (container.Running || _positions.ContainsKey(container.Id) || book.TryGet(ContainerOrigins.SourceKey(container.Id), out _))
                {
                    await FollowAsync(container.Id).ConfigureAwait(false);
                }
            }
            while (await reader.ReadLineAsync(session.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0 || DockerEvent.Parse(line) is not { } e)
                {
                    continue;
                }
                switch (e.Action)
                {
                    case DockerEvent.Start:
                        await FollowAsync(e.ContainerId).ConfigureAwait(false);
                        break;
                    case DockerEvent.Die when followers.TryGetValue(e.ContainerId, out var died):
                        died.Died();
                        break;
                    case DockerEvent.Rename when followers.TryGetValue(e.ContainerId, out var renamed):
                        if (await client.InspectAsync(e.ContainerId, session.Token).ConfigureAwait(false) is { } details)
                        {
                            renamed.Update(details);
                            _logger.LogInformation("container {Id} is now {Name}", Short(e.ContainerId), details.Name);
                        }
                        break;
                    case DockerEvent.Destroy:
                        skipped.Remove(e.ContainerId);
                        if (followers.Remove(e.ContainerId, out var destroyed))
                        {
                            destroyed.Destroyed(DestroyGrace);
                            _ = ForgetAsync(destroyed, book);
                        }
                        break;
                }
            }
            throw new IOException("the Docker event stream ended");
        }
        finally
        {
            if (connected)
            {
                _replayFrom = DateTimeOffset.UtcNow;
            }
            await session.CancelAsync().ConfigureAwait(false);
            foreach (var follower in followers.Values)
            {
                await follower.Completion.ConfigureAwait(false);
                follower.Dispose();
                Interlocked.Decrement(ref _followed);
            }
        }

        async Task FollowAsync(string id)
        {
            if (followers.TryGetValue(id, out var follower))
            {
                if (!follower.Completion.IsCompleted)
                {
                    follower.Wake();
                    return;
                }
                followers.Remove(id);
                follower.Dispose();
                Interlocked.Decrement(ref _followed);
            }
            if (skipped.Contains(id))
            {
                return;
            }
            var container = await client.InspectAsync(id, session.Token).ConfigureAwait(false);
            if (container is null)
            {
                return;
            }
            if (ContainerOrigins.OptedOut(container) || id == _ownContainer)
            {
                _logger.LogInformation("not following container {Name} ({Id}): {Reason}", container.Name, Short(id),
                    id == _ownContainer ? "it is this agent's own" : ContainerOrigins.EnableLabel + "=false");
                skipped.Add(id);
                return;
            }
            var position = _positions.GetOrAdd(id, key => new LogPosition(book.TryGet(ContainerOrigins.SourceKey(key), out var p) ? p : null));
            _logger.LogInformation("following container {Name} ({Id}, {Image}){Resume}", container.Name, Short(id), container.Image,
                position.ResumeTimeNs > 0 ? " from " + Core.Timestamps.FormatRfc3339(position.ResumeTimeNs) : "");
            followers[id] = new ContainerFollower(client, _options, _host, container, sink, position, _logger, () => Interlocked.Increment(ref _lines), Metrics, session.Token);
            Interlocked.Increment(ref _followed);
        }
    }

    /// <summary>
    /// Forgets the positions of containers that were removed while no session watched the daemon (the
    /// agent was stopped): they would never be read again, and their entries would stay forever.
    /// </summary>
    private void ForgetRemoved(IReadOnlyList<ContainerSummary> containers, IPositionBook book)
    {
        var prefix = ContainerOrigins.SourceKey("");
        var present = containers.Select(c => ContainerOrigins.SourceKey(c.Id)).ToHashSet(StringComparer.Ordinal);
        var removed = book.SourceKeys(prefix).Where(key => !present.Contains(key)).ToList();
        foreach (var key in removed)
        {
            book.Forget(key);
            _positions.TryRemove(key[prefix.Length..], out _);
        }
        if (removed.Count > 0)
        {
            _logger.LogInformation("forgot the positions of {Count} container(s) removed while the agent was not following them: {Ids}",
                removed.Count, string.Join(", ", removed.Select(k => Short(k[prefix.Length..]))));
        }
    }

    /// <summary>Once a destroyed container's last lines are read, its position will never be needed again.</summary>
    private async Task ForgetAsync(ContainerFollower follower, IPositionBook book)
    {
        await follower.Completion.ConfigureAwait(false);
        follower.Dispose();
        Interlocked.Decrement(ref _followed);
        _positions.TryRemove(follower.Id, out _);
        book.Forget(ContainerOrigins.SourceKey(follower.Id));
        _logger.LogInformation("container {Id} was removed; stopped following it", Short(follower.Id));
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
