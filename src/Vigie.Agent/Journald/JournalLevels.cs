namespace Vigie.Agent.Journald;

/// <summary>
/// The <c>level</c> of a journal PRIORITY (syslog's severities), in the one vocabulary of every Vigie
/// source: emergency, alert and critical are <c>critical</c>, notice is <c>info</c>.
/// </summary>
/// <remarks>
/// The same words as the server's <c>SeverityLevels.FromSyslogSeverity</c> (Vigie.Ingestion), written
/// out here so that the agent does not carry the server's ingestion and storage assemblies along.
/// </remarks>
internal static class JournalLevels
{
    public static string? FromPriority(int? priority) => priority switch
    {
        0 or 1 or 2 => "critical",
        3 => "error",
        4 => "warning",
        5 or 6 => "info",
        7 => "debug",
        _ => null,
    };
}
