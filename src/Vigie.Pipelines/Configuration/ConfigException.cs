namespace Vigie.Pipelines.Configuration;

/// <summary>An invalid pipelines configuration; the message reads <c>vigie.yaml:12:9: unknown processor 'grk'</c>.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, long line, long column, string reason)
        : base($"{file}:{line}:{column}: {reason}")
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public string File { get; }

    /// <summary>1-based.</summary>
    public long Line { get; }

    /// <summary>1-based.</summary>
    public long Column { get; }

    /// <summary>Why, without the location.</summary>
    public string Reason { get; }
}
