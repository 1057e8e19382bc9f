using System.Globalization;
using System.Net;

namespace Vigie.Agent.Hosting;

/// <summary>The address of the agent's local endpoint.</summary>
public static class AgentListen
{
    /// <summary><c>127.0.0.1:9881</c>, <c>0.0.0.0:9881</c>, <c>[::1]:9881</c>, <c>localhost:9881</c>.</summary>
    public static IPEndPoint Parse(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"expected HOST:PORT, e.g. {AgentOptions.DefaultListen}");
        }
        var host = listen[..colon].Trim('[', ']');
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : throw new FormatException($"'{host}' is not an IP address");
        return new IPEndPoint(address, port);
    }
}
