using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary><c>client_ip:10.0.0.0/8</c>, <c>client_ip:2001:db8::/32</c>: the value is an address of the same family in the network.</summary>
public sealed record CidrFilter : FieldFilter
{
    public CidrFilter(string field, IPAddress network, int prefixLength)
        : base(field)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (field == FieldNames.Time)
        {
            throw new ArgumentException("_time cannot hold addresses.", nameof(field));
        }
        if (network.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || (network.AddressFamily == AddressFamily.InterNetworkV6 && network.ScopeId != 0))
        {
            throw new ArgumentException("Only IPv4 and IPv6 networks without a zone are supported.", nameof(network));
        }
        var max = MaxPrefixLength(network.AddressFamily);
        if (prefixLength < 0 || prefixLength > max)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), $"The prefix length must be between 0 and {max}.");
        }
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The address as written; bits past the prefix are ignored when matching.</summary>
    public IPAddress Network { get; }

    public int PrefixLength { get; }

    public static int MaxPrefixLength(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    internal override void Write(StringBuilder sb) =>
        sb.Append(Lexicon.FormatField(Field)).Append(':').Append(Network).Append('/').Append(PrefixLength);
}
