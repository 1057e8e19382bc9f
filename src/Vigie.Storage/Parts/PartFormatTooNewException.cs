namespace Vigie.Storage.Parts;

/// <summary>
/// A part file is intact but written in a part format newer than this build reads: a newer Vigie
/// wrote it. Not damage: the store must neither quarantine nor drop it (a later start of the
/// newer build still needs it), so it refuses to open instead.
/// </summary>
public sealed class PartFormatTooNewException : IOException
{
    public PartFormatTooNewException()
        : this("part file written in a newer part format")
    {
    }

    public PartFormatTooNewException(string message)
        : base(message)
    {
        FilePath = "";
    }

    public PartFormatTooNewException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "";
    }

    public PartFormatTooNewException(string filePath, uint version)
        : base($"part file {filePath} is in part format {version}, written by a newer Vigie; this build reads part formats {PartFormat.MinReadableVersion} to {PartFormat.Version}")
    {
        FilePath = filePath;
        Version = version;
    }

    public string FilePath { get; }

    /// <summary>The part format the file declares, in its header and in its intact footer.</summary>
    public uint Version { get; }
}
