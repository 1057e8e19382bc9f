namespace Vigie.Agent.Journald;

/// <summary>What the journal source did since it started, for the agent's metrics and the tests.</summary>
public sealed class JournaldCounters
{
    private long _entriesRead;
    private long _badEntries;
    private long _starts;

    /// <summary>Entries handed to the buffer.</summary>
    public long EntriesRead => Interlocked.Read(ref _entriesRead);

    /// <summary>Lines of <c>journalctl</c>'s output that were not a journal entry (skipped, logged).</summary>
    public long BadEntries => Interlocked.Read(ref _badEntries);

    /// <summary>Times <c>journalctl</c> was started (more than once when it exited).</summary>
    public long Starts => Interlocked.Read(ref _starts);

    internal void Entry() => Interlocked.Increment(ref _entriesRead);

    internal void Bad() => Interlocked.Increment(ref _badEntries);

    internal void Started() => Interlocked.Increment(ref _starts);
}
