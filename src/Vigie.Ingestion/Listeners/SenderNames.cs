using System.Net;
using System.Net.Sockets;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// The text of a datagram sender's address, made again only when the sender changes: one sender
/// usually sends many datagrams in a row, and its address must not cost a string each time.
/// </summary>
internal sealed class SenderNames(AddressFamily family)
{
    private readonly byte[] _last = new byte[128];
    private readonly IPEndPoint _template = new(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    private int _lastLength = -1;
    private string? _lastName;

    public string? NameOf(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length == _lastLength && sockaddr.SequenceEqual(_last.AsSpan(0, _lastLength)))
        {
            return _lastName;
        }
        sockaddr.CopyTo(_last);
        _lastLength = sockaddr.Length;
        _lastName = Parse(sockaddr);
        return _lastName;
    }

    private string? Parse(ReadOnlySpan<byte> sockaddr)
    {
        try
        {
            var address = new SocketAddress(_template.AddressFamily, sockaddr.Length);
            sockaddr.CopyTo(address.Buffer.Span);
            var endpoint = (IPEndPoint)_template.Create(address);
            var ip = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
            return ip.ToString();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
