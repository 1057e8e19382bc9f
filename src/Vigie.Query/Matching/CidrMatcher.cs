using System.Net;
using Vigie.Query.Syntax;

namespace Vigie.Query.Matching;

/// <summary>The value is an IP address (strictly parsed) of the network's family whose first prefix bits equal the network's.</summary>
public sealed class CidrMatcher : ValueMatcher
{
    private readonly byte[] _network;
    private readonly int _prefixLength;

    public CidrMatcher(IPAddress network, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network.GetAddressBytes();
        _prefixLength = prefixLength;
    }

    public override bool Matches(ReadOnlySpan<char> text)
    {
        if (!Lexicon.TryParseIp(text, out var address))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var length) || length != _network.Length)
        {
            return false;
        }
        var full = _prefixLength / 8;
        if (!bytes[..full].SequenceEqual(_network.AsSpan(0, full)))
        {
            return false;
        }
        var rest = _prefixLength % 8;
        if (rest == 0)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - rest));
        return (bytes[full] & mask) == (_network[full] & mask);
    }
}
