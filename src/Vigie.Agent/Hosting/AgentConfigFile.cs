using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Vigie.Agent.Files;
using Vigie.Pipelines.Configuration;

namespace Vigie.Agent.Hosting;

/// <summary>
/// Reads the agent's YAML config file: what to collect besides the flags. Every key is checked; a
/// wrong one is refused with its file, line, column and the keys that are allowed.
/// </summary>
/// <example>
/// <code>
/// docker:
///   enabled: true
///   labels: [com.example.team, com.example.tier]   # copied onto each line as label.&lt;name&gt;
///   log-files: true    # read json-file/local driver files directly (default: the Engine API's stream)
/// files:
///   - path: /var/log/nginx/*.log
///     pipeline: nginx
///   - path: /var/log/app/*.log*
///     compressed: true
/// journald:
///   enabled: true
///   directory: /var/log/journal    # default: the system's journal
///   units: [nginx.service]         # default: every unit
///   pipeline: systemd
///   from-start: false              # first start: only new entries (true: the whole journal)
/// pipelines:                       # edge pipelines: the server's syntax and processors, run before the buffer
///   java-traces:
///     if: 'container:api'
///     processors:
///       - multiline: {start: '^\d{4}-'}
/// </code>
/// </example>
public static class AgentConfigFile
{
    /// <summary>Applies the file over <paramref name="options"/>.</summary>
    /// <exception cref="AgentConfigException">The file cannot be read or says something wrong.</exception>
    public static AgentOptions Load(string path, AgentOptions options)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentConfigException($"{path}: {e.Message}");
        }
        return Parse(text, path, options);
    }

    public static AgentOptions Parse(string text, string path, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new AgentConfigException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return options;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Error(path, stream.Documents[0].RootNode, "the config file is a mapping of sections (docker:, files:, journald:, pipelines:)");
        }
        foreach (var (keyNode, value) in root.Children)
        {
            options = (keyNode as YamlScalarNode)?.Value switch
            {
                "docker" => ReadDocker(path, value, options),
                "files" => ReadFiles(path, value, options),
                "journald" => ReadJournald(path, value, options),
                "pipelines" => ReadPipelines(text, path, options),
                var other => throw Error(path, keyNode, $"unknown section '{other}'; the sections are docker, files, journald, pipelines"),
            };
        }
        return options;
    }

    /// <summary>The <c>pipelines:</c> section, read by the server's own loader (built-in pipelines left out: they are the server's).</summary>
    private static AgentOptions ReadPipelines(string text, string path, AgentOptions options)
    {
        try
        {
            var pipelines = PipelineConfigLoader.Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", builtIns: false);
            return options with { Pipelines = pipelines };
        }
        catch (ConfigException e)
        {
            throw new AgentConfigException(e.Message);
        }
    }

    private static AgentOptions ReadDocker(string path, YamlNode node, AgentOptions options)
    {
        var docker = options.Docker;
        foreach (var (keyNode, value) in Mapping(path, node, "docker"))
        {
            docker = Key(keyNode) switch
            {
                "enabled" => docker with { Enabled = Bool(path, value, "docker.enabled") },
                "labels" => docker with { LabelAllowList = List(path, value, "docker.labels") },
                "log-files" => docker with { ReadLogFiles = Bool(path, value, "docker.log-files") },
                var other => throw Error(path, keyNode, $"docker: unknown setting '{other}'; expected enabled, labels, log-files"),
            };
        }
        return options with { Docker = docker };
    }

    private static AgentOptions ReadFiles(string path, YamlNode node, AgentOptions options)
    {
        if (node is YamlScalarNode { Value: null or "" })
        {
            return options;
        }
        if (node is not YamlSequenceNode list)
        {
            throw Error(path, node, "files: is a list of inputs, each with path (a glob), and optionally pipeline and compressed");
        }
        var inputs = new List<FileInput>();
        foreach (var item in list.Children)
        {
            string? glob = null;
            string? pipeline = null;
            var compressed = false;
            foreach (var (keyNode, value) in Mapping(path, item, "files[]"))
            {
                switch (Key(keyNode))
                {
                    case "path":
                        glob = Scalar(path, value, "files[].path");
                        break;
                    case "pipeline":
                        pipeline = Scalar(path, value, "files[].pipeline");
                        break;
                    case "compressed":
                        compressed = Bool(path, value, "files[].compressed");
                        break;
                    case var other:
                        throw Error(path, keyNode, $"files: unknown setting '{other}'; expected path, pipeline, compressed");
                }
            }
            if (string.IsNullOrWhiteSpace(glob))
            {
                throw Error(path, item, "files: each input needs a path (a glob such as /var/log/nginx/*.log)");
            }
            if (!Path.IsPathRooted(glob))
            {
                throw Error(path, item, $"files: path '{glob}' must be absolute");
            }
            inputs.Add(new FileInput(glob, string.IsNullOrWhiteSpace(pipeline) ? null : pipeline, compressed));
        }
        return options with { Files = options.Files with { Inputs = inputs } };
    }

    private static AgentOptions ReadJournald(string path, YamlNode node, AgentOptions options)
    {
        var journald = options.Journald;
        var enabledSet = false;
        foreach (var (keyNode, value) in Mapping(path, node, "journald"))
        {
            switch (Key(keyNode))
            {
                case "enabled":
                    journald = journald with { Enabled = Bool(path, value, "journald.enabled") };
                    enabledSet = true;
                    break;
                case "directory":
                    journald = journald with { Directory = Scalar(path, value, "journald.directory") };
                    break;
                case "units":
                    journald = journald with { Units = List(path, value, "journald.units") };
                    break;
                case "pipeline":
                    var pipeline = Scalar(path, value, "journald.pipeline");
                    journald = journald with { Pipeline = string.IsNullOrWhiteSpace(pipeline) ? null : pipeline };
                    break;
                case "from-start":
                    journald = journald with { ReadFromStart = Bool(path, value, "journald.from-start") };
                    break;
                case var other:
                    throw Error(path, keyNode, $"journald: unknown setting '{other}'; expected enabled, directory, units, pipeline, from-start");
            }
        }
        // A journald: section that says nothing about enabled turns it on: naming it is asking for it.
        return options with { Journald = enabledSet ? journald : journald with { Enabled = true } };
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Mapping(string path, YamlNode node, string what) => node switch
    {
        YamlScalarNode { Value: null or "" } => [],
        YamlMappingNode mapping => mapping.Children,
        _ => throw Error(path, node, $"{what}: expected a mapping of settings"),
    };

    private static string? Key(YamlNode node) => (node as YamlScalarNode)?.Value;

    private static string? Scalar(string path, YamlNode node, string what) =>
        node is YamlScalarNode scalar ? scalar.Value : throw Error(path, node, $"{what}: expected a single value");

    private static string[] List(string path, YamlNode node, string what) => node switch
    {
        YamlSequenceNode list => [.. list.Children.Select(c => Scalar(path, c, what) ?? "").Where(s => s.Length > 0)],
        YamlScalarNode scalar => [.. (scalar.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        _ => throw Error(path, node, $"{what}: expected a list"),
    };

    private static bool Bool(string path, YamlNode node, string what) => Scalar(path, node, what)?.ToLowerInvariant() switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        _ => throw Error(path, node, $"{what}: expected true or false"),
    };

    private static AgentConfigException Error(string path, YamlNode node, string reason) =>
        new($"{path}:{node.Start.Line}:{node.Start.Column}: {reason}");
}
