using Vigie.Pipelines.Processors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigie.Pipelines.Configuration;

/// <summary>
/// Reads the <c>pipelines:</c> section of the config file (other top-level sections belong to other
/// parts of Vigie and are left alone). Built-in pipelines come first; a pipeline of the file with the
/// same name replaces the built-in one, and <c>enabled: false</c> turns either off.
/// </summary>
public static class PipelineConfigLoader
{
    public const string Section = "pipelines";

    /// <summary>
    /// The built-in pipelines, compiled once per process: they never change, pipelines are immutable,
    /// and compiling their regexes is most of the cost of a reload.
    /// </summary>
    private static readonly Lazy<IReadOnlyList<Pipeline>> BuiltIns = new(() =>
    [
        .. BuiltIn.BuiltInPipelines.Sources().SelectMany(s =>
            ParseSection(Root(s.Yaml, "built-in " + s.Name), "built-in " + s.Name, Path.GetTempPath(), builtIn: true).Select(p => p.Pipeline!)),
    ]);

    /// <exception cref="ConfigException">The file is not valid; the message names the file, line, column and reason.</exception>
    public static IReadOnlyList<Pipeline> LoadFile(string path, bool builtIns = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 1, 1, $"cannot read the file: {e.Message}");
        }
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", builtIns);
    }

    /// <summary>The built-in pipelines alone (no config file).</summary>
    public static IReadOnlyList<Pipeline> BuiltInsOnly() => Parse("", "(built-in)", ".", builtIns: true);

    public static IReadOnlyList<Pipeline> Parse(string yaml, string file, string baseDirectory, bool builtIns = true)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        baseDirectory = Path.GetFullPath(baseDirectory);
        var result = new List<Pipeline>();
        if (builtIns)
        {
            result.AddRange(BuiltIns.Value);
        }
        var root = Root(yaml, file);
        foreach (var (name, pipeline, enabled) in ParseSection(root, file, baseDirectory, builtIn: false))
        {
            var at = result.FindIndex(p => p.Name == name);
            if (!enabled)
            {
                if (at >= 0)
                {
                    result.RemoveAt(at);
                }
                continue;
            }
            if (at >= 0)
            {
                result[at] = pipeline!;
            }
            else
            {
                result.Add(pipeline!);
            }
        }
        return result;
    }

    /// <summary>
    /// One pipeline given on its own (the playground API): a mapping with <c>processors</c> and an
    /// optional <c>if</c>, the same as under a name in the config file.
    /// </summary>
    public static Pipeline ParseSingle(string yaml, string name, string file = "pipeline")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var root = Load(yaml, file) ?? throw new ConfigException(file, 1, 1, "empty pipeline: expected 'processors:' with a list of processors");
        return ParsePipeline(file, ".", name, root, builtIn: false).Pipeline ?? throw new ConfigException(file, 1, 1, "the pipeline is disabled");
    }

    private static YamlMappingNode? Root(string yaml, string file)
    {
        var doc = Load(yaml, file);
        if (doc is null)
        {
            return null;
        }
        if (doc is not YamlMappingNode map)
        {
            throw ConfigNode.Error(file, doc, "expected a mapping of sections at the top of the file (e.g. 'pipelines:')");
        }
        return map;
    }

    private static YamlNode? Load(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException(file, e.Start.Line, e.Start.Column, "invalid YAML: " + (e.InnerException?.Message ?? e.Message));
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static IEnumerable<(string Name, Pipeline? Pipeline, bool Enabled)> ParseSection(YamlMappingNode? root, string file, string baseDirectory, bool builtIn)
    {
        if (root is null || !root.Children.TryGetValue(new YamlScalarNode(Section), out var section))
        {
            yield break;
        }
        if (section is YamlScalarNode { Value: null or "" })
        {
            yield break;
        }
        if (section is not YamlMappingNode pipelines)
        {
            throw ConfigNode.Error(file, section, "'pipelines': expected a mapping of pipeline names to pipelines");
        }
        foreach (var (key, value) in pipelines.Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                throw ConfigNode.Error(file, key, "expected a pipeline name");
            }
            if (!IsValidName(name))
            {
                throw ConfigNode.Error(file, key, $"invalid pipeline name '{name}': use letters, digits, '-', '_' and '.'");
            }
            yield return ParsePipeline(file, baseDirectory, name, value, builtIn);
        }
    }

    private static (string Name, Pipeline? Pipeline, bool Enabled) ParsePipeline(string file, string baseDirectory, string name, YamlNode node, bool builtIn)
    {
        var o = new ConfigNode(file, node, $"pipeline '{name}'");
        var enabled = o.Bool("enabled", true);
        o.String("description");
        var condition = o.Condition("if");
        var list = o.Raw("processors");
        if (!enabled && list is null)
        {
            o.EnsureAllRead($"pipeline '{name}'");
            return (name, null, false);
        }
        if (list is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            throw ConfigNode.Error(file, list ?? node, $"pipeline '{name}': 'processors' must be a list of processors, e.g. '- grok: {{pattern: ...}}'");
        }
        o.EnsureAllRead($"pipeline '{name}'");
        var processors = new List<Processor>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode { Children.Count: 1 } entry)
            {
                throw ConfigNode.Error(file, item, $"pipeline '{name}': each processor is one 'type: options' entry, e.g. '- remove: {{fields: [secret]}}'");
            }
            var (typeNode, options) = entry.Children.First();
            var type = (typeNode as YamlScalarNode)?.Value ?? "";
            var p = ProcessorFactory.Create(file, baseDirectory, type, options, typeNode);
            if (p is MultilineProcessor && processors.Count > 0)
            {
                throw ConfigNode.Error(file, typeNode, $"pipeline '{name}': 'multiline' must be the first processor (it joins lines before anything else runs)");
            }
            var n = seen[type] = seen.GetValueOrDefault(type) + 1;
            if (p.Id.Length == 0)
            {
                p.Id = n == 1 ? type : $"{type}#{n}";
            }
            processors.Add(p);
        }
        return (name, enabled ? new Pipeline(name, condition, processors, builtIn) : null, enabled);
    }

    private static bool IsValidName(string name) => name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
