namespace Vigie.Pipelines.BuiltIn;

/// <summary>The ready-made pipelines, embedded as YAML in the same form as a config file.</summary>
public static class BuiltInPipelines
{
    /// <summary>Names and YAML texts, in the order they run.</summary>
    public static IEnumerable<(string Name, string Yaml)> Sources()
    {
        var assembly = typeof(BuiltInPipelines).Assembly;
        const string prefix = "Vigie.Pipelines.BuiltIn.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (resource[prefix.Length..^".yaml".Length], reader.ReadToEnd());
        }
    }
}
