namespace Vigie.Agent.Journald;

/// <summary>
/// The <c>level</c> of a journal PRIORITY (syslog's severities), in the one vocabulary of every Vigie
/// source: emergency, alert and critical are <c>critical</c>, notice is <c>info</c>.
/// </summary>
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
