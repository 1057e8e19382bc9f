namespace Vigie.Storage.Parts;

/// <summary>
/// A part file's bytes are damaged or truncated: bad magic or version, a checksum mismatch, an
/// index that does not parse. The message names the file, the offset and what is wrong. The part
/// must not be trusted; the store sets it aside instead of answering from it.
/// </summary>
public sealed class PartCorruptException : IOException
{
    public PartCorruptException()
        : this("part file is corrupt")
    {
    }

    public PartCorruptException(string message)
        : base(message)
    {
        FilePath = "";
    }

    public PartCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "";
    }

    public PartCorruptException(string filePath, long offset, string problem, Exception? innerException = null)
        : base($"corrupt part file {filePath} at offset {offset}: {problem}", innerException)
    {
        FilePath = filePath;
        Offset = offset;
        Problem = problem;
    }

    public string FilePath { get; }

    /// <summary>Where in the file the damage was found (the start of the damaged structure).</summary>
    public long Offset { get; }

    public string Problem { get; } = "";
}
