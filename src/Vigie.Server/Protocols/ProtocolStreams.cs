using Vigie.Core;

namespace Vigie.Server.Protocols;

/// <summary>The stream fields of each socket protocol: the listener's setting, else the protocol's default.</summary>
public static class ProtocolStreams
{
    public const string Syslog = "host,service";
    public const string Gelf = "host,container";
    public const string Fluent = "tag,container";
    public const string Splunk = "host,source,tag";

    public static StreamFields For(ListenerSetting setting, string defaults) =>
        StreamFields.Parse(string.IsNullOrWhiteSpace(setting.Streams) ? defaults : setting.Streams);
}
