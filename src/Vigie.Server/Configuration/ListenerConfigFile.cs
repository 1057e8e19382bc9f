using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigie.Server.Configuration;

/// <summary>
/// Reads the <c>listeners:</c> section of the YAML config file. Other top-level sections (e.g.
/// <c>pipelines:</c>) belong to other readers and are left alone.
/// </summary>
/// <example>
/// <code>
/// listeners:
///   syslog-udp: off                 # shorthand: off, on or HOST:PORT
///   syslog-tcp: 0.0.0.0:5514
///   gelf-udp:
///     address: 0.0.0.0:12201
///     streams: host,container
///   syslog-tls:
///     address: 0.0.0.0:6514
///     cert: /etc/vigie/syslog.pem
///     key: /etc/vigie/syslog.key
///   splunk:
///     tokens: [00000000-0000-0000-0000-000000000000]
/// </code>
/// </example>
public static class ListenerConfigFile
{
    /// <summary>Applies the file's listener settings over <paramref name="defaults"/>.</summary>
    /// <exception cref="ConfigFileException">The file cannot be read or says something wrong.</exception>
    public static ListenerOptions Load(string path, ListenerOptions defaults)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigFileException($"{path}: {e.Message}");
        }
        return Parse(text, path, defaults);
    }

    public static ListenerOptions Parse(string text, string path, ListenerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigFileException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return defaults;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Error(path, stream.Documents[0].RootNode, "the config file is a mapping of sections (listeners:, pipelines:, ...)");
        }
        var options = defaults;
        foreach (var (key, value) in root.Children)
        {
            if (key is YamlScalarNode { Value: "listeners" })
            {
                options = ReadListeners(path, value, options);
            }
        }
        return options;
    }

    private static ListenerOptions ReadListeners(string path, YamlNode node, ListenerOptions options)
    {
        if (node is YamlScalarNode { Value: null or "" })
        {
            return options;
        }
        if (node is not YamlMappingNode listeners)
        {
            throw Error(path, node, "listeners: is a mapping of listener names");
        }
        foreach (var (keyNode, value) in listeners.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!ListenerOptions.Names.Contains(name))
            {
                throw Error(path, keyNode, $"unknown listener '{name}'; the listeners are {string.Join(", ", ListenerOptions.Names)}");
            }
            options = value switch
            {
                YamlScalarNode scalar => ApplyScalar(path, scalar, name, options),
                YamlMappingNode mapping => ReadListener(path, mapping, name, options),
                _ => throw Error(path, value, $"{name}: expected on, off, HOST:PORT or a mapping (enabled, address, streams)"),
            };
        }
        return options;
    }

    private static ListenerOptions ApplyScalar(string path, YamlScalarNode scalar, string name, ListenerOptions options)
    {
        try
        {
            return options.Apply(name, scalar.Value ?? "");
        }
        catch (FormatException e)
        {
            throw Error(path, scalar, e.Message);
        }
    }

    private static ListenerOptions ReadListener(string path, YamlMappingNode mapping, string name, ListenerOptions options)
    {
        var setting = options.Get(name);
        var enabledSet = false;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            switch (key)
            {
                case "enabled":
                    setting = setting with { Enabled = Bool(path, value, name) };
                    enabledSet = true;
                    break;
                case "address" when ListenerOptions.HasOwnAddress(name):
                    options = ApplyScalar(path, Scalar(path, value, name + ".address"), name, options);
                    setting = setting with { Address = options.Get(name).Address };
                    break;
                case "streams":
                    var streams = value is YamlSequenceNode list
                        ? string.Join(',', list.Children.Select(c => Scalar(path, c, name + ".streams").Value))
                        : Scalar(path, value, name + ".streams").Value;
                    setting = setting with { Streams = streams };
                    break;
                case "cert" when name == "syslog-tls":
                    options = options with { SyslogTlsCertificate = Scalar(path, value, "syslog-tls.cert").Value };
                    break;
                case "key" when name == "syslog-tls":
                    options = options with { SyslogTlsKey = Scalar(path, value, "syslog-tls.key").Value };
                    break;
                case "tokens" when name == "splunk":
                    options = options with
                    {
                        SplunkTokens = value is YamlSequenceNode tokens
                            ? [.. tokens.Children.Select(c => Scalar(path, c, "splunk.tokens").Value ?? "")]
                            : [.. (Scalar(path, value, "splunk.tokens").Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                    };
                    break;
                default:
                    var allowed = "enabled, " + (ListenerOptions.HasOwnAddress(name) ? "address, " : "") + "streams"
                        + (name == "syslog-tls" ? ", cert, key" : "") + (name == "splunk" ? ", tokens" : "");
                    throw Error(path, keyNode, $"{name}: unknown setting '{key}'; expected {allowed}");
            }
        }
        // A mapping with an address but no "enabled" turns the listener on (like the HOST:PORT shorthand).
        if (!enabledSet && mapping.Children.ContainsKey(new YamlScalarNode("address")))
        {
            setting = setting with { Enabled = true };
        }
        return options.With(name, setting);
    }

    private static bool Bool(string path, YamlNode node, string name) => Scalar(path, node, name + ".enabled").Value?.ToLowerInvariant() switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        _ => throw Error(path, node, $"{name}.enabled: expected true or false"),
    };

    private static YamlScalarNode Scalar(string path, YamlNode node, string what) =>
        node as YamlScalarNode ?? throw Error(path, node, $"{what}: expected a single value");

    private static ConfigFileException Error(string path, YamlNode node, string reason) =>
        new($"{path}:{node.Start.Line}:{node.Start.Column}: {reason}");
}
