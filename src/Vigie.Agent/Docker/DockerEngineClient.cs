using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Vigie.Agent.Docker;

/// <summary>
/// The few calls of the Docker Engine API the agent makes, over the daemon's unix socket (or TCP).
/// Paths carry no API version: the daemon answers in its own, and the fields read here exist in all
/// versions the agent meets (a pinned old version is refused by recent daemons).
/// </summary>
internal sealed class DockerEngineClient : IDisposable
{
    private static readonly MediaTypeHeaderValue RawStream = new("application/vnd.docker.raw-stream");
    private static readonly MediaTypeHeaderValue MultiplexedStream = new("application/vnd.docker.multiplexed-stream");

    private readonly HttpClient _http;

    public DockerEngineClient(string endpoint)
    {
        SocketsHttpHandler handler;
        Uri baseAddress;
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = endpoint["unix://".Length..];
            handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            baseAddress = new Uri("http://docker/");
        }
        else if (endpoint.StartsWith("tcp://", StringComparison.Ordinal) || endpoint.StartsWith("http://", StringComparison.Ordinal))
        {
            handler = new SocketsHttpHandler();
            baseAddress = new Uri("http://" + endpoint[(endpoint.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/') + "/");
        }
        else
        {
            throw new ArgumentException($"the Docker endpoint must be unix:///path/to/docker.sock or tcp://host:port, not '{endpoint}'", nameof(endpoint));
        }
        // Log and event streams stay open for as long as the containers run.
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("containers/json?all=1", cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = new List<ContainerSummary>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var state = item.TryGetProperty("State", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            list.Add(new ContainerSummary(item.GetProperty("Id").GetString()!, state == "running"));
        }
        return list;
    }

    /// <summary>The container's details, or null when there is no such container (any more).</summary>
    public async Task<ContainerDetails?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"containers/{Uri.EscapeDataString(id)}/json", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        var config = root.GetProperty("Config");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in l.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? "";
            }
        }
        var image = config.TryGetProperty("Image", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
        var tty = config.TryGetProperty("Tty", out var t) && t.ValueKind == JsonValueKind.True;
        var running = root.TryGetProperty("State", out var state) && state.TryGetProperty("Running", out var r) && r.ValueKind == JsonValueKind.True;
        var logPath = root.TryGetProperty("LogPath", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        var driver = root.TryGetProperty("HostConfig", out var host) && host.TryGetProperty("LogConfig", out var logConfig)
            && logConfig.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "";
        if (logPath.Length == 0 && driver == "local"
            && root.TryGetProperty("HostnamePath", out var hostname) && hostname.ValueKind == JsonValueKind.String
            && Path.GetDirectoryName(hostname.GetString()) is { Length: > 0 } containerDirectory)
        {
            // The local driver's file is not in LogPath: Docker keeps it in the container's directory.
            logPath = Path.Combine(containerDirectory, "local-logs", "container.log");
        }
        return new ContainerDetails(root.GetProperty("Id").GetString()!, (root.GetProperty("Name").GetString() ?? "").TrimStart('/'), image, labels, tty, running,
            driver, logPath);
    }

    /// <summary>Opens the stream of container events (one JSON object per line); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenEventsAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var query = "events?filters=" + Uri.EscapeDataString(DockerEvent.Filters);
        if (since is { } from)
        {
            // The daemon replays what it still holds of the events since then, before the live ones.
            var ms = from.ToUnixTimeMilliseconds();
            query += FormattableString.Invariant($"&since={ms / 1000}.{ms % 1000:000}000000");
        }
        var response = await _http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Follows a container's stdout and stderr with timestamps, from <paramref name="sinceNs"/> on (0: from its
    /// first line). Null when there is no such container. The caller disposes the response.
    /// </summary>
    public async Task<LogResponse?> OpenLogsAsync(string id, long sinceNs, bool tty, CancellationToken cancellationToken)
    {
        var path = $"containers/{Uri.EscapeDataString(id)}/logs?follow=1&stdout=1&stderr=1&timestamps=1";
        if (sinceNs > 0)
        {
            path += "&since=" + DockerTimestamp.FormatSince(sinceNs);
        }
        var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        // Daemons of API 1.42 and later say which framing they use; older ones leave it to Config.Tty.
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type == RawStream.MediaType)
        {
            tty = true;
        }
        else if (type == MultiplexedStream.MediaType)
        {
            tty = false;
        }
        return new LogResponse(response, tty);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new DockerApiException(response.StatusCode, $"Docker answered {(int)response.StatusCode} to {response.RequestMessage?.RequestUri?.PathAndQuery}: {text.Trim()}");
        }
    }

    public void Dispose() => _http.Dispose();
}
