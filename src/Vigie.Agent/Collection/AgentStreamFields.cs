namespace Vigie.Agent.Collection;

/// <summary>
/// The stream fields of everything the agent sends: one set for every source, as a field a line lacks
/// is left out of its stream key (a container's lines have no <c>file</c>, a file's no <c>container</c>).
/// </summary>
public static class AgentStreamFields
{
    public const string Host = "host";
    public const string Container = "container";
    public const string File = "file";
    public const string Unit = "unit";

    /// <summary>The value of the native ingest API's <c>stream</c> parameter.</summary>
    public const string QueryValue = Container + "," + File + "," + Host + "," + Unit;
}
