using System.IO.Compression;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Files;

/// <summary>
/// A gzip'd rotated file, read once from start to end: positions are offsets in the uncompressed
/// text, so resuming one means decompressing up to the position again.
/// </summary>
internal sealed class CompressedFile : LineFile
{
    private readonly FileStream _file;
    private readonly GZipStream _gzip;
    private long _position;

    // The file holds less than the position to resume at: all of it was read before.
    private readonly bool _exhausted;

    public CompressedFile(string path, LineOrigin origin, long offset, int maxLineBytes, FileSourceCounters counters)
        : base(origin, offset, maxLineBytes, counters)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        _gzip = new GZipStream(_file, CompressionMode.Decompress);
        Span<byte> skip = stackalloc byte[4096];
        while (_position < offset)
        {
            var read = _gzip.Read(skip[..(int)Math.Min(skip.Length, offset - _position)]);
            if (read == 0)
            {
                _exhausted = true;
                break;
            }
            _position += read;
        }
    }

    protected override int Read(Span<byte> destination, long position)
    {
        if (_exhausted)
        {
            return 0;
        }
        // LineFile reads in order; a position other than the next one would be a bug here.
        if (position != _position)
        {
            throw new InvalidOperationException($"a gzip'd file is read in order: asked for {position}, at {_position}");
        }
        var read = _gzip.Read(destination);
        _position += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
            _file.Dispose();
        }
    }
}
