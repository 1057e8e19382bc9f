namespace Vigie.Agent.Docker;

/// <summary>
/// One entry of a driver's log file: a whole line, or a piece of a line Docker split (longer than its
/// 16 KiB copier buffer). <see cref="Text"/> has no line ending and is valid until the decoder is used again.
/// </summary>
/// <param name="Continues">More pieces of this same line follow on the same stream.</param>
/// <param name="Start">Offset of the entry's first byte in the file.</param>
/// <param name="End">Offset right after the entry.</param>
internal readonly record struct LogFileEntry(LogStreamKind Stream, long TimeNs, ReadOnlyMemory<byte> Text, bool Continues, long Start, long End);
