namespace Vigie.Ingestion.Protocols;

/// <summary>
/// Maps the severities of the HTTP protocols onto Vigie's <c>level</c> vocabulary:
/// <c>critical, error, warning, info, debug, trace</c>.
/// </summary>
public static class ProtocolLevels
{
    /// <summary>OTLP SeverityNumber: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.</summary>
    public static string? FromOtlpNumber(int number) => number switch
    {
        >= 1 and <= 4 => "trace",
        >= 5 and <= 8 => "debug",
        >= 9 and <= 12 => "info",
        >= 13 and <= 16 => "warning",
        >= 17 and <= 20 => "error",
        >= 21 and <= 24 => "critical",
        _ => null,
    };

    /// <summary>Syslog / journald PRIORITY 0-7: emerg, alert and crit become critical; notice becomes info.</summary>
    public static string? FromSyslogPriority(int priority) => priority switch
    {
        >= 0 and <= 2 => "critical",
        3 => "error",
        4 => "warning",
        5 or 6 => "info",
        7 => "debug",
        _ => null,
    };

    /// <summary>
    /// A level name as loggers write it (Serilog's Information, log4j's WARN, Python's CRITICAL, OTLP's
    /// severity text...); null when the word is not a level, so that the caller keeps the original.
    /// </summary>
    public static string? FromName(ReadOnlySpan<char> name)
    {
        Span<char> lower = stackalloc char[16];
        if (name.Length == 0 || name.Length > lower.Length)
        {
            return null;
        }
        var n = name.ToLowerInvariant(lower);
        // OTLP severity texts can carry a number suffix (WARN2, ERROR3): it does not change the level.
        var word = lower[..n].TrimEnd("01234567890");
        return word switch
        {
            "fatal" or "critical" or "crit" or "emerg" or "emergency" or "alert" or "panic" => "critical",
            "error" or "err" or "eror" => "error",
            "warning" or "warn" => "warning",
            "information" or "info" or "notice" or "informational" => "info",
            "debug" or "dbug" => "debug",
            "trace" or "verbose" or "vrbs" => "trace",
            _ => null,
        };
    }
}
