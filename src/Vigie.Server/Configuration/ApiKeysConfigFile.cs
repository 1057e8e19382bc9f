using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigie.Server.Configuration;

/// <summary>Reads the top-level <c>api_keys:</c> of the YAML config file (a list, or one comma-separated string).</summary>
/// <example>
/// <code>
/// api_keys:
///   - 3f9c1e0b7a2d4c58
///   - 91d7aa04c2e6f3b1
/// </code>
/// </example>
public static class ApiKeysConfigFile
{
    public const string Section = "api_keys";

    /// <summary>The keys the file lists; empty when it has no <c>api_keys:</c>.</summary>
    /// <exception cref="ConfigFileException">The file cannot be read or its <c>api_keys:</c> is not a list of strings.</exception>
    public static IReadOnlyList<string> Load(string path)
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
        return Parse(text, path);
    }

    public static IReadOnlyList<string> Parse(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigFileException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode(Section), out var node))
        {
            return [];
        }
        return node switch
        {
            YamlScalarNode scalar => Split(scalar.Value),
            YamlSequenceNode list => [.. list.Children.Select(c => c is YamlScalarNode { Value: { Length: > 0 } v }
                ? v.Trim()
                : throw new ConfigFileException($"{path}:{c.Start.Line}:{c.Start.Column}: {Section}: each key is a non-empty string"))],
            _ => throw new ConfigFileException($"{path}:{node.Start.Line}:{node.Start.Column}: {Section}: expected a list of keys"),
        };
    }

    /// <summary>A comma-separated list (as in <c>VIGIE_API_KEYS</c>), blanks dropped.</summary>
    public static IReadOnlyList<string> Split(string? text) => (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
