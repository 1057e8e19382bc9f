using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Docker;

/// <summary>
/// Follows one container's log for as long as the container exists: reads it to the end of each run,
/// then waits for the container to start again (same id, same position), until it is destroyed.
/// </summary>
internal sealed class ContainerFollower : IDisposable
{
    private readonly DockerEngineClient _client;
    private readonly DockerSourceOptions _options;
    private readonly AgentHost _host;
    private readonly ILineSink _sink;
    private readonly LogPosition _position;
    private readonly ILogger _logger;
    private readonly Action _lineRead;
    private readonly DockerMetrics _metrics;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop;
    private volatile ContainerOrigins _origins;
    private volatile bool _destroyed;
    private LogFileReader? _files;
    private bool _filesRefused;

    public ContainerFollower(DockerEngineClient client, DockerSourceOptions options, AgentHost host, ContainerDetails container,
        ILineSink sink, LogPosition position, ILogger logger, Action lineRead, DockerMetrics metrics, CancellationToken sessionToken)
    {
        _client = client;
        _options = options;
        _host = host;
        _sink = sink;
        _position = position;
        _logger = logger;
        _lineRead = lineRead;
        _metrics = metrics;
        Id = container.Id;
        _origins = ContainerOrigins.Build(container, host, options.LabelAllowList);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);
        Completion = Task.Run(RunAsync, CancellationToken.None);
    }

    public string Id { get; }

    /// <summary>Ends when the container is gone or the session stops; never faults.</summary>
    public Task Completion { get; }

    /// <summary>The container started (again): read the new run's lines.</summary>
    public void Wake() => _wake.Release();

    /// <summary>New fields (a rename): lines read from now on carry them.</summary>
    public void Update(ContainerDetails container) => _origins = ContainerOrigins.Build(container, _host, _options.LabelAllowList);

    /// <summary>The container stopped: a read of its log files ends once they are read to their end.</summary>
    public void Died()
    {
        if (_files is { } files)
        {
            files.DiedSignal = true;
        }
    }

    /// <summary>The container was removed: read what is left of its stream, then stop (at the latest after <paramref name="grace"/>).</summary>
    public void Destroyed(TimeSpan grace)
    {
        _destroyed = true;
        _wake.Release();
        _stop.CancelAfter(grace);
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var backoff = new Backoff();
        var drained = false;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var container = await _client.InspectAsync(Id, token).ConfigureAwait(false);
                if (container is null)
                {
                    return;
                }
                _origins = ContainerOrigins.Build(container, _host, _options.LabelAllowList);
                bool read;
                if (LogFilesOf(container) is { } files)
                {
                    var malformed = files.Malformed;
                    files.FilesLost = OnFilesLost;
                    read = await files.ReadRunAsync(_position, EmitFileLineAsync, IsRunningAsync, () => _destroyed, token).ConfigureAwait(false);
                    if (files.Malformed > malformed)
                    {
                        _logger.LogWarning("skipped {Count} entries of the log file of container {Container} that are not log entries; the last: {Error}",
                            files.Malformed - malformed, _origins.Name, files.LastError);
                    }
                }
                else
                {
                    read = await ReadRunAsync(container.Tty, token).ConfigureAwait(false);
                }
                backoff.Reset();
                if (_destroyed)
                {
                    return;
                }
                container = await _client.InspectAsync(Id, token).ConfigureAwait(false);
                if (container is null)
                {
                    return;
                }
                if (container.Running)
                {
                    // Restarted while the last run's stream was ending: read on. A stream that ends at
                    // once while the container runs (a log driver Docker cannot read back) is not a loop.
                    if (!read)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
                    }
                    drained = false;
                    continue;
                }
                if (!drained)
                {
                    // Docker can end a follow stream as the container stops, before the stream has
                    // carried the run's last bytes (a last line without a line feed, above all): read
                    // once more now that the run is over; the lines already taken are skipped.
                    drained = true;
                    continue;
                }
                await _wake.WaitAsync(token).ConfigureAwait(false);
                drained = false;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (DockerApiException e) when (e.IsLasting)
            {
                // Retrying soon would get the same answer: try again when the container starts anew.
                _logger.LogWarning("cannot read the log of container {Container}: {Reason}; trying again at its next start", _origins.Name, e.Message);
                try
                {
                    await _wake.WaitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception e) when (IsTransient(e))
            {
                var wait = backoff.Next();
                _logger.LogWarning("reading the log of container {Container} failed ({Reason}); retrying in {Wait:0.0} s", _origins.Name, e.Message, wait.TotalSeconds);
                try
                {
                    await Task.Delay(wait, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
#pragma warning disable CA1031 // Whatever fails (the sink included), this container is read again after a wait, from its position.
            catch (Exception e)
#pragma warning restore CA1031
            {
                var wait = backoff.Next();
                _logger.LogError(e, "following container {Container} failed; retrying in {Wait:0.0} s", _origins.Name, wait.TotalSeconds);
                try
                {
                    await Task.Delay(wait, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The reader of the container's log files, when they are to be read rather than the API stream.</summary>
    private LogFileReader? LogFilesOf(ContainerDetails container)
    {
        var format = LogFileFormats.ForDriver(container.LogDriver);
        if (!_options.ReadLogFiles || format == LogFileFormat.None || container.LogPath.Length == 0)
        {
            return null;
        }
        if (_files is null)
        {
            if (!LogFileReader.CanRead(container.LogPath))
            {
                if (!_filesRefused)
                {
                    _filesRefused = true;
                    _logger.LogWarning("cannot open the log file {Path} of container {Container}; reading its log through the Docker API instead (mount /var/lib/docker/containers read-only at the same path)",
                        container.LogPath, _origins.Name);
                }
                return null;
            }
            _files = new LogFileReader(container.LogPath, format, _options.MaxLineBytes);
            _logger.LogInformation("reading the {Driver} log files of container {Container} ({Path})", container.LogDriver, _origins.Name, container.LogPath);
        }
        return _files;
    }

    /// <summary>Docker deleted log files before they were read to their end: lines are lost, which is counted and said.</summary>
    private void OnFilesLost(int count, string what)
    {
        Interlocked.Add(ref _metrics.LogFilesLost, count);
        _logger.LogWarning("lines of container {Container} are lost: {What} (Docker rotated its log files out past max-file before the agent read them; raise max-file or max-size)",
            _origins.Name, what);
    }

    private async Task<bool> IsRunningAsync(CancellationToken token) =>
        await _client.InspectAsync(Id, token).ConfigureAwait(false) is { Running: true };

    private async ValueTask EmitFileLineAsync(LogStreamKind stream, long timeNs, ReadOnlyMemory<byte> text, SourcePosition after, CancellationToken token)
    {
        var append = _sink.AppendAsync(new CollectedLine(_origins.For(stream), timeNs, text, after), token);
        if (!append.IsCompletedSuccessfully)
        {
            await append.ConfigureAwait(false);
        }
        _lineRead();
    }

    /// <summary>Reads the container's log from the current position to the end of the stream; false when it had nothing.</summary>
    private async Task<bool> ReadRunAsync(bool tty, CancellationToken token)
    {
        // After its files (they could no longer be opened): from the time of the last line read from them.
        _position.SwitchToApi();
        _position.BeginRead();
        using var logs = await _client.OpenLogsAsync(Id, _position.SinceNs, tty, token).ConfigureAwait(false);
        if (logs is null)
        {
            return false;
        }
        var body = await logs.Response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var decoder = new DockerLogDecoder(logs.Tty, _options.MaxLineBytes);
            var read = false;
            while (true)
            {
                var count = await body.ReadAsync(decoder.GetInputBuffer(), token).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }
                read = true;
                decoder.Commit(count);
                while (decoder.TryRead(out var line))
                {
                    await EmitAsync(line, token).ConfigureAwait(false);
                }
            }
            // The stream ends with the container's run: a last line without a line feed is whole.
            while (decoder.TryFlush(out var line))
            {
                await EmitAsync(line, token).ConfigureAwait(false);
            }
            if (decoder.ErrorFrames > 0)
            {
                _logger.LogWarning("Docker reported {Count} error(s) reading the log of container {Id}: {Error}", decoder.ErrorFrames, Id, decoder.LastError);
            }
            return read;
        }
    }

    private async ValueTask EmitAsync(DecodedLine line, CancellationToken token)
    {
        if (!_position.Accept(line.TimeNs, out var after))
        {
            return;
        }
        var append = _sink.AppendAsync(new CollectedLine(_origins.For(line.Stream), line.TimeNs, line.Message, after), token);
        if (!append.IsCompletedSuccessfully)
        {
            await append.ConfigureAwait(false);
        }
        // Only a line the sink took moves the position: one it refused is read again on the retry.
        _position.Commit(line.TimeNs);
        _lineRead();
    }

    internal static bool IsTransient(Exception e) =>
        e is HttpRequestException or IOException or SocketException or DockerApiException or JsonException or InvalidDataException;

    public void Dispose()
    {
        _files?.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }
}
