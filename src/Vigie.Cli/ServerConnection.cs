using System.Net.Http.Headers;
using System.Net.Sockets;
using Vigie.Cli.Arguments;

namespace Vigie.Cli;

/// <summary>How the client commands find the server and describe failing to reach it.</summary>
public static class ServerConnection
{
    public const string DefaultServer = "http://127.0.0.1:9880";

    public static Uri Resolve(ParsedArgs args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        var text = args.Resolve("server", "VIGIE_SERVER", environment, DefaultServer).TrimEnd('/');
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"invalid --server '{text}': expected a URL like http://127.0.0.1:9880");
        }
        return uri;
    }

    public static HttpClient CreateClient(Uri server, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("vigie", Commands.VersionCommand.Version.Split('+')[0]));
        return client;
    }

    /// <summary>The one line printed when the server cannot be reached.</summary>
    public static string Unreachable(Uri server, HttpRequestException e)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(e);
        return $"cannot reach Vigie at {server.GetLeftPart(UriPartial.Authority)}: {Reason(e)}";
    }

    private static string Reason(HttpRequestException e)
    {
        if (e.InnerException is SocketException socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.TimedOut => "timed out",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                SocketError.ConnectionReset => "connection reset",
                _ => socket.Message,
            };
        }
        return e.HttpRequestError == HttpRequestError.NameResolutionError ? "host not found" : e.Message;
    }

    /// <summary>A connection that was never made, so nothing was sent: safe to retry.</summary>
    public static bool NeverConnected(HttpRequestException e) =>
        e?.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
}
