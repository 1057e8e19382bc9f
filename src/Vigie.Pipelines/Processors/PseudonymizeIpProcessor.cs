using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// <c>pseudonymize_ip</c>: replaces IP addresses so that raw addresses are not kept. <c>truncate</c>
/// zeroes the host bits (IPv4 to /24, IPv6 to /48): still useful for geography and abuse ranges.
/// <c>hash</c> writes a keyed HMAC-SHA256 (<c>ip-</c> and 16 hex digits): the same address gives the
/// same pseudonym while the key is kept, and cannot be reversed without it.
/// </summary>
public sealed class PseudonymizeIpProcessor(IReadOnlyList<string> fields, bool hash, byte[] key) : Processor
{
    public override string Type => "pseudonymize_ip";

    public override string? Apply(PipelineEvent e)
    {
        foreach (var f in fields)
        {
            if (e.GetText(f) is not { } text)
            {
                continue;
            }
            if (!IPAddress.TryParse(text, out var ip))
            {
                return $"'{f}': '{text}' is not an IP address";
            }
            e.Set(f, FieldValue.Str(hash ? Hash(ip, key) : Truncate(ip)));
        }
        return null;
    }

    public static string Truncate(IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var bytes = ip.GetAddressBytes();
        var keep = ip.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        for (var i = keep; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }
        return new IPAddress(bytes).ToString();
    }

    public static string Hash(IPAddress ip, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(ip);
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(ip.ToString()));
        return "ip-" + Convert.ToHexStringLower(mac.AsSpan(0, 8));
    }
}
