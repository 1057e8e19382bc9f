namespace Vigie.Agent.Files;

/// <summary>What the file source did since it started, for the agent's metrics and the tests.</summary>
public sealed class FileSourceCounters
{
    private long _linesRead;
    private long _bytesRead;
    private long _linesCut;
    private long _truncations;
    private long _filesOpened;
    private long _filesClosed;
    private long _compressedFilesRead;

    /// <summary>Lines handed to the buffer.</summary>
    public long LinesRead => Interlocked.Read(ref _linesRead);

    /// <summary>Bytes of those lines, without line endings.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Lines longer than the bound, sent cut to it.</summary>
    public long LinesCut => Interlocked.Read(ref _linesCut);

    /// <summary>Times a followed file got shorter than what was read (copytruncate, truncation): read again from its start.</summary>
    public long Truncations => Interlocked.Read(ref _truncations);

    /// <summary>Files opened for tailing.</summary>
    public long FilesOpened => Interlocked.Read(ref _filesOpened);

    /// <summary>Files closed after they were rotated away or deleted and read to their end.</summary>
    public long FilesClosed => Interlocked.Read(ref _filesClosed);

    /// <summary>Rotated <c>.gz</c> files read.</summary>
    public long CompressedFilesRead => Interlocked.Read(ref _compressedFilesRead);

    internal void Line(int bytes)
    {
        Interlocked.Increment(ref _linesRead);
        Interlocked.Add(ref _bytesRead, bytes);
    }

    internal void Cut() => Interlocked.Increment(ref _linesCut);

    internal void Truncated() => Interlocked.Increment(ref _truncations);

    internal void Opened() => Interlocked.Increment(ref _filesOpened);

    internal void Closed() => Interlocked.Increment(ref _filesClosed);

    internal void CompressedRead() => Interlocked.Increment(ref _compressedFilesRead);
}
