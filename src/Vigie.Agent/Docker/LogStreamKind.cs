namespace Vigie.Agent.Docker;

/// <summary>The stream a container's line was written to; the values are those of Docker's multiplexed frame headers.</summary>
internal enum LogStreamKind : byte
{
    Stdout = 1,
    Stderr = 2,
}
