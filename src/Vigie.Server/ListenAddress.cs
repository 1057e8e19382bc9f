using System.Globalization;
using System.Net;

namespace Vigie.Server;

/// <summary>Parses <c>--listen</c>: <c>127.0.0.1:9880</c>, <c>0.0.0.0:9880</c>, <c>[::1]:9880</c>, <c>:9880</c> (all interfaces), <c>localhost:9880</c>.</summary>
public static class ListenAddress
{
    public static IPEndPoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"--listen {text}: expected HOST:PORT, e.g. 127.0.0.1:9880");
        }
        var host = text[..colon].Trim('[', ']');
        var address = host switch
        {
            "" or "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var ip) ? ip : throw new FormatException($"--listen {text}: {host} is not an IP address"),
        };
        return new IPEndPoint(address, port);
    }
}
