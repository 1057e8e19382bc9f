using System.Globalization;
using Vigie.Query.Matching;
using Vigie.Query.Syntax;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigie.Pipelines.Configuration;

/// <summary>
/// A YAML mapping being read as options: typed getters that fail with the file, line and column of
/// the offending node, and a final check that no unknown key was left (a typo is an error, not a
/// silently ignored option).
/// </summary>
public sealed class ConfigNode
{
    private readonly YamlMappingNode _map;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ConfigNode(string file, YamlNode node, string what)
    {
        File = file;
        _map = node switch
        {
            YamlMappingNode map => map,
            YamlScalarNode { Value: null or "" } => [],
            _ => throw Error(file, node, $"{what}: expected a mapping (key: value lines)"),
        };
        Node = node;
    }

    public string File { get; }

    public YamlNode Node { get; }

    public IEnumerable<string> Keys => _map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");

    public static ConfigException Error(string file, YamlNode node, string reason)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Error(file, node.Start, reason);
    }

    public static ConfigException Error(string file, Mark mark, string reason) => new(file, mark.Line, mark.Column, reason);

    public ConfigException Error(string reason) => Error(File, Node, reason);

    public YamlNode? Raw(string key)
    {
        _read.Add(key);
        return _map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
    }

    public string? String(string key)
    {
        var node = Raw(key);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlScalarNode s)
        {
            throw Error(File, node, $"'{key}': expected a single value");
        }
        return s.Value ?? "";
    }

    public string String(string key, string fallback) => String(key) ?? fallback;

    public string RequiredString(string key) => String(key) ?? throw Error($"missing '{key}'");

    /// <summary>A list, or a single value as a list of one.</summary>
    public IReadOnlyList<string> Strings(string key)
    {
        var node = Raw(key);
        return node switch
        {
            null => [],
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => [.. seq.Children.Select(c => c is YamlScalarNode cs ? cs.Value ?? "" : throw Error(File, c, $"'{key}': expected a list of values"))],
            _ => throw Error(File, node, $"'{key}': expected a value or a list of values"),
        };
    }

    public IReadOnlyList<string> RequiredStrings(string key)
    {
        var list = Strings(key);
        return list.Count > 0 ? list : throw Error($"missing '{key}'");
    }

    public IReadOnlyList<KeyValuePair<string, string>> Map(string key)
    {
        var node = Raw(key);
        if (node is null)
        {
            return [];
        }
        if (node is not YamlMappingNode m)
        {
            throw Error(File, node, $"'{key}': expected a mapping (name: value lines)");
        }
        return [.. m.Children.Select(p => new KeyValuePair<string, string>(
            p.Key is YamlScalarNode k ? k.Value ?? "" : throw Error(File, p.Key, "expected a name"),
            p.Value is YamlScalarNode v ? v.Value ?? "" : throw Error(File, p.Value, $"'{key}': expected a single value")))];
    }

    public bool Bool(string key, bool fallback)
    {
        var node = Raw(key);
        if (node is null)
        {
            return fallback;
        }
        return node is YamlScalarNode { Value: { } v } && bool.TryParse(v, out var b) ? b : throw Error(File, node, $"'{key}': expected true or false");
    }

    public double Number(string key, double fallback, double min, double max)
    {
        var node = Raw(key);
        if (node is null)
        {
            return fallback;
        }
        if (node is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max)
        {
            return d;
        }
        throw Error(File, node, $"'{key}': expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A condition in the query language, e.g. <c>service:nginx</c>; null when absent.</summary>
    public Model.Condition? Condition(string key)
    {
        var node = Raw(key);
        return node is null ? null : CompileCondition(File, node, key);
    }

    public static Model.Condition CompileCondition(string file, YamlNode node, string key)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not YamlScalarNode { Value: { } text })
        {
            throw Error(file, node, $"'{key}': expected a filter in the query language, e.g. service:nginx");
        }
        try
        {
            var query = Vigie.Query.Syntax.Query.Parse(text);
            if (query.Pipes.Count > 0)
            {
                throw Error(file, node, $"'{key}': a condition is a filter only, without '|' pipes");
            }
            return new Model.Condition(text, query.Filter, Vigie.Core.Timestamps.Now());
        }
        catch (QueryParseException e)
        {
            throw Error(file, node, $"'{key}': invalid filter '{text}': {e.Message}");
        }
    }

    /// <summary>Fails on the first key no getter asked for.</summary>
    public void EnsureAllRead(string what)
    {
        foreach (var (k, _) in _map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!_read.Contains(name))
            {
                throw Error(File, k, $"{what}: unknown option '{name}'");
            }
        }
    }
}
