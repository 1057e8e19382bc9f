namespace Vigie.Agent.Docker;

/// <summary>
/// One whole line out of a container's log stream: its stream, Docker's timestamp and the text without
/// the timestamp and line ending. <see cref="Message"/> is only valid until the decoder is used again.
/// </summary>
internal readonly record struct DecodedLine(LogStreamKind Stream, long TimeNs, ReadOnlyMemory<byte> Message);
