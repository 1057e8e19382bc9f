using Vigie.Core.Io;

namespace Vigie.Cli.Ingest;

/// <summary>Counts the bytes read from a file (before any decompression) for the progress display.</summary>
public sealed class CountingStream(Stream inner, IngestProgress progress) : ReadOnlyWrapperStream(inner)
{
    public override long Length => Inner.Length;

    public override long Position { get => Inner.Position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        progress.AddBytesRead(read);
        return read;
    }
}
