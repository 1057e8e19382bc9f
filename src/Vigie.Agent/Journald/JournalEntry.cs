namespace Vigie.Agent.Journald;

/// <summary>The parts of one journal entry the agent sends.</summary>
/// <param name="Message">MESSAGE as bytes (valid only until the next entry is parsed).</param>
/// <param name="RealtimeUs">__REALTIME_TIMESTAMP: microseconds since the Unix epoch, or null.</param>
/// <param name="Cursor">__CURSOR: where to resume after this entry.</param>
/// <param name="Unit">_SYSTEMD_UNIT, or null.</param>
/// <param name="Identifier">SYSLOG_IDENTIFIER, or null.</param>
/// <param name="Priority">PRIORITY (0 emergency … 7 debug), or null.</param>
/// <param name="Pid">_PID, or null.</param>
internal readonly record struct JournalEntry(
    ReadOnlyMemory<byte> Message, long? RealtimeUs, string? Cursor, string? Unit, string? Identifier, int? Priority, string? Pid);
