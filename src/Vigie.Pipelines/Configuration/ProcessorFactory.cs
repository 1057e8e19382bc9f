using System.Text;
using System.Text.RegularExpressions;
using MaxMind.Db;
using Vigie.Core;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Processors;
using YamlDotNet.RepresentationModel;

namespace Vigie.Pipelines.Configuration;

/// <summary>Builds a processor from its config entry; every option is checked here, at load, never per event.</summary>
public static class ProcessorFactory
{
    public static readonly IReadOnlyList<string> Types =
    [
        "grok", "regex", "json", "logfmt", "kv", "date", "set", "rename", "remove", "lowercase", "convert", "drop",
        "level", "redact", "pseudonymize_ip", "geoip", "user_agent", "multiline",
    ];

    /// <param name="file">The config file name, for error messages.</param>
    /// <param name="baseDirectory">Relative paths (GeoIP databases) are read from here.</param>
    /// <param name="type">The processor type.</param>
    /// <param name="node">Its options (a mapping; null or empty for processors without options).</param>
    /// <param name="typeNode">The node of the type key, for errors about the type itself.</param>
    public static Processor Create(string file, string baseDirectory, string type, YamlNode? node, YamlNode typeNode)
    {
        var o = new ConfigNode(file, node ?? typeNode, type);
        var id = o.String("id");
        var condition = o.Condition("if");
        var p = type switch
        {
            "grok" => (Processor)Grok(o),
            "regex" => new RegexProcessor(o.String("field", FieldNames.Message), CompileRegex(o, "pattern", o.RequiredString("pattern")), o.Bool("ignore_missing", false)),
            "json" => new JsonProcessor(o.String("field", FieldNames.Message), o.String("target"), o.Bool("remove_field", false)),
            "logfmt" => new LogfmtProcessor(o.String("field", FieldNames.Message), o.String("target")),
            "kv" => Kv(o),
            "date" => Date(o),
            "set" => Set(o),
            "rename" => new RenameProcessor(NonEmpty(o, "fields", o.Map("fields"))),
            "remove" => new RemoveProcessor(o.RequiredStrings("fields")),
            "lowercase" => new LowercaseProcessor(o.RequiredStrings("fields")),
            "convert" => Convert(o),
            "drop" => new DropProcessor(),
            "level" => Level(o),
            "redact" => Redact(o),
            "pseudonymize_ip" => Pseudonymize(o),
            "geoip" => GeoIp(o, baseDirectory),
            "user_agent" => new UserAgentProcessor(o.String("field", "user_agent"), o.String("target", "ua")),
            "multiline" => Multiline(o),
            _ => throw ConfigNode.Error(file, typeNode, $"unknown processor '{type}': expected one of {string.Join(", ", Types)}"),
        };
        o.EnsureAllRead(type);
        p.Id = id ?? "";
        p.Condition = condition?.Row;
        p.When = condition;
        return p;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> NonEmpty(ConfigNode o, string key, IReadOnlyList<KeyValuePair<string, string>> map) =>
        map.Count > 0 ? map : throw o.Error($"missing '{key}'");

    private static GrokProcessor Grok(ConfigNode o)
    {
        var field = o.String("field", FieldNames.Message);
        var patterns = o.Strings("patterns");
        var single = o.String("pattern");
        if (single is not null)
        {
            patterns = [single, .. patterns];
        }
        if (patterns.Count == 0)
        {
            throw o.Error("missing 'pattern' (or 'patterns')");
        }
        var definitions = o.Map("pattern_definitions").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var compiled = new List<GrokExpression>();
        foreach (var pattern in patterns)
        {
            try
            {
                compiled.Add(GrokExpression.Compile(pattern, definitions));
            }
            catch (GrokException e)
            {
                throw ConfigNode.Error(o.File, o.Raw("pattern") ?? o.Raw("patterns") ?? o.Node, e.Message);
            }
        }
        return new GrokProcessor(field, compiled, o.Bool("ignore_missing", false));
    }

    private static Regex CompileRegex(ConfigNode o, string key, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, GrokExpression.MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw ConfigNode.Error(o.File, o.Raw(key) ?? o.Node, $"'{key}': invalid regex: {e.Message}");
        }
    }

    private static KvProcessor Kv(ConfigNode o)
    {
        var include = o.Strings("include_keys");
        return new KvProcessor(
            o.String("field", FieldNames.Message),
            o.String("field_split", " "),
            o.String("value_split", "="),
            o.String("prefix", ""),
            o.String("trim", "\"'"),
            include.Count == 0 ? null : include.ToHashSet(StringComparer.Ordinal));
    }

    private static DateProcessor Date(ConfigNode o)
    {
        var field = o.RequiredString("field");
        var formats = o.RequiredStrings("formats");
        var zoneName = o.String("timezone", "UTC");
        TimeZoneInfo zone;
        try
        {
            zone = zoneName is "UTC" or "Z" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw ConfigNode.Error(o.File, o.Raw("timezone")!, $"unknown time zone '{zoneName}': expected an IANA name such as Europe/Paris");
        }
        return new DateProcessor(field, formats, zone, o.String("target", FieldNames.Time), () => DateTime.UtcNow);
    }

    private static SetProcessor Set(ConfigNode o)
    {
        var field = o.RequiredString("field");
        var value = o.RequiredString("value");
        var typeName = o.String("type", "string");
        var kind = typeName switch
        {
            "string" => ValueKind.String,
            "number" or "int" or "float" => ValueKind.Number,
            "bool" => ValueKind.Bool,
            _ => throw ConfigNode.Error(o.File, o.Raw("type")!, $"unknown type '{typeName}': expected string, number or bool"),
        };
        return new SetProcessor(field, value, o.Bool("override", true), kind);
    }

    private static ConvertProcessor Convert(ConfigNode o)
    {
        var fields = new List<KeyValuePair<string, GrokType>>();
        foreach (var (name, typeName) in NonEmpty(o, "fields", o.Map("fields")))
        {
            if (!GrokTypes.TryParse(typeName, out var t))
            {
                throw ConfigNode.Error(o.File, o.Raw("fields")!, $"'{name}': unknown type '{typeName}': expected int, float, bool or string");
            }
            fields.Add(new(name, t));
        }
        return new ConvertProcessor(fields);
    }

    private static LevelProcessor Level(ConfigNode o)
    {
        var fields = o.Strings("fields");
        if (fields.Count == 0)
        {
            fields = ["level", "severity", "lvl", "loglevel", "log_level", "levelname", "@l", "syslog.severity"];
        }
        return new LevelProcessor(fields, o.String("target", "level"));
    }

    private static RedactProcessor Redact(ConfigNode o)
    {
        var fields = o.Strings("fields");
        var patterns = o.RequiredStrings("patterns");
        var compiled = new List<Regex>();
        foreach (var p in patterns)
        {
            try
            {
                compiled.Add(RedactProcessor.Compile(p));
            }
            catch (ArgumentException e)
            {
                throw ConfigNode.Error(o.File, o.Raw("patterns")!, $"invalid redact pattern '{p}': {e.Message}");
            }
        }
        return new RedactProcessor(fields.Count == 0 ? [FieldNames.Message] : fields, compiled, o.String("mask", "[REDACTED]"));
    }

    private static PseudonymizeIpProcessor Pseudonymize(ConfigNode o)
    {
        var fields = o.Strings("fields");
        var method = o.String("method", "truncate");
        var key = o.String("key");
        if (method is not ("truncate" or "hash"))
        {
            throw ConfigNode.Error(o.File, o.Raw("method")!, $"unknown method '{method}': expected truncate or hash");
        }
        if (method == "hash" && string.IsNullOrEmpty(key))
        {
            throw o.Error("method 'hash' needs a 'key' (a secret of your own; the same key gives the same pseudonyms)");
        }
        return new PseudonymizeIpProcessor(fields.Count == 0 ? ["client_ip"] : fields, method == "hash", Encoding.UTF8.GetBytes(key ?? ""));
    }

    private static GeoIpProcessor GeoIp(ConfigNode o, string baseDirectory)
    {
        var database = o.RequiredString("database");
        var path = Path.GetFullPath(database, baseDirectory);
        Reader reader;
        try
        {
            // Read into memory: a reload swaps sets while batches may still use the old reader, so
            // no file mapping must be closed under them; the garbage collector frees it.
            reader = new Reader(path, FileAccessMode.Memory);
        }
        catch (Exception e) when (e is IOException or InvalidDatabaseException or UnauthorizedAccessException or ArgumentException)
        {
            throw ConfigNode.Error(o.File, o.Raw("database")!, $"cannot open GeoIP database '{path}': {e.Message}");
        }
        return new GeoIpProcessor(o.String("field", "client_ip"), reader, o.String("target", "geo"));
    }

    private static MultilineProcessor Multiline(ConfigNode o)
    {
        var continuation = o.String("continuation");
        var start = o.String("start");
        if ((continuation is null) == (start is null))
        {
            throw o.Error("multiline needs exactly one of 'continuation' (a regex for lines that continue the previous one) or 'start' (a regex for lines that begin an event)");
        }
        var timeout = o.Number("timeout", 1, 0.01, 60);
        var maxLines = (int)o.Number("max_lines", 500, 2, 100_000);
        return new MultilineProcessor(
            o.String("field", FieldNames.Message),
            continuation is null ? null : CompileRegex(o, "continuation", continuation),
            start is null ? null : CompileRegex(o, "start", start),
            TimeSpan.FromSeconds(timeout),
            maxLines);
    }
}
