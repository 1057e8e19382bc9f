namespace Vigie.Ingestion.Mapping;

/// <summary>
/// The one <c>level</c> vocabulary of every source: <c>critical</c>, <c>error</c>, <c>warning</c>,
/// <c>info</c>, <c>debug</c>, <c>trace</c> (the words Grafana and Loki colour logs by). A word that
/// maps to none of them gives null: the caller then leaves <c>level</c> out.
/// </summary>
/// <remarks>
/// Syslog's eight severities fold into six levels: emergency, alert and critical are all
/// <c>critical</c> (nobody filters between them), notice is <c>info</c>. A protocol that keeps the
/// finer value stores it in a field of its own (e.g. syslog's <c>severity</c>).
/// This mapping is part of what users query on: do not change a word once released.
/// </remarks>
public static class SeverityLevels
{
    public const string Critical = "critical";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";
    public const string Debug = "debug";
    public const string Trace = "trace";

    /// <summary>The levels from the most to the least severe.</summary>
    public static IReadOnlyList<string> All { get; } = [Critical, Error, Warning, Info, Debug, Trace];

    /// <summary>
    /// The level of a syslog severity (RFC 5424 §6.2.1: 0 emergency … 7 debug), also GELF's <c>level</c>;
    /// null outside 0..7.
    /// </summary>
    public static string? FromSyslogSeverity(int severity) => severity switch
    {
        0 or 1 or 2 => Critical,
        3 => Error,
        4 => Warning,
        5 or 6 => Info,
        7 => Debug,
        _ => null,
    };

    /// <summary>
    /// The level of an OpenTelemetry <c>SeverityNumber</c> (1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN,
    /// 17-20 ERROR, 21-24 FATAL); null for 0 (unspecified) and out of range.
    /// </summary>
    public static string? FromOtlpSeverityNumber(int number) => number switch
    {
        >= 1 and <= 4 => Trace,
        >= 5 and <= 8 => Debug,
        >= 9 and <= 12 => Info,
        >= 13 and <= 16 => Warning,
        >= 17 and <= 20 => Error,
        >= 21 and <= 24 => Critical,
        _ => null,
    };

    /// <summary>
    /// The level of a severity as text, case-insensitive: words of syslog, log4j/logback, Serilog,
    /// .NET, Python, Go and OTLP (<c>WARN</c>, <c>Warning</c>, <c>ERR</c>, <c>fatal</c>, <c>panic</c>,
    /// <c>crit</c>, <c>notice</c>, <c>verbose</c>, <c>Information</c>, <c>INFO2</c>, …), single letters
    /// (<c>E</c>, <c>W</c>, <c>I</c>, <c>D</c>, <c>V</c>, <c>T</c>, <c>F</c>) and a syslog severity digit
    /// (<c>0</c>..<c>7</c>, what GELF sends). Null when the text is none of these.
    /// </summary>
    public static string? Normalize(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty || text.Length > 16)
        {
            return null;
        }
        if (text.Length == 1 && char.IsAsciiDigit(text[0]))
        {
            return FromSyslogSeverity(text[0] - '0');
        }
        // OTLP's severity texts carry a digit for the sub-level: INFO2, WARN4.
        if (text.Length > 1 && char.IsAsciiDigit(text[^1]) && !char.IsAsciiDigit(text[0]))
        {
            text = text[..^1];
        }
        Span<char> lower = stackalloc char[text.Length];
        var n = text.ToLowerInvariant(lower);
        return Word(lower[..n]);
    }

    /// <summary>As <see cref="Normalize(ReadOnlySpan{char})"/>, for UTF-8 text straight from the wire.</summary>
    public static string? Normalize(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 32)
        {
            return null;
        }
        Span<char> chars = stackalloc char[utf8.Length];
        for (var i = 0; i < utf8.Length; i++)
        {
            // Every known word is ASCII: anything else cannot match.
            if (utf8[i] >= 0x80)
            {
                return null;
            }
            chars[i] = (char)utf8[i];
        }
        return Normalize(chars);
    }

    private static string? Word(ReadOnlySpan<char> w) => w switch
    {
        "emerg" or "emergency" or "panic" or "alert" or "crit" or "critical" or "fatal" or "fatl" or "f" or "c"
            or "severe" => Critical,
        "err" or "error" or "eror" or "e" => Error,
        "warn" or "warning" or "wrn" or "w" => Warning,
        "notice" or "info" or "information" or "informational" or "inf" or "i" or "n" => Info,
        "debug" or "dbg" or "d" or "fine" => Debug,
        "trace" or "trc" or "verbose" or "vrb" or "t" or "v" or "finer" or "finest" => Trace,
        _ => null,
    };
}
