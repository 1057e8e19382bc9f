namespace Vigie.Agent.Docker;

/// <summary>The formats of the log files Docker's own logging drivers write, which the agent can read directly.</summary>
internal enum LogFileFormat
{
    /// <summary>Not a driver whose files the agent reads: the Engine API's log stream is used.</summary>
    None,

    /// <summary><c>json-file</c>: one JSON object per line, <c>{"log":"text\n","stream":"stdout","time":"RFC 3339"}</c>.</summary>
    JsonFile,

    /// <summary><c>local</c>: protobuf entries, each framed by its length (big-endian, 4 bytes) before and after.</summary>
    Local,
}

internal static class LogFileFormats
{
    public static LogFileFormat ForDriver(string? driver) => driver switch
    {
        "json-file" => LogFileFormat.JsonFile,
        "local" => LogFileFormat.Local,
        _ => LogFileFormat.None,
    };
}
