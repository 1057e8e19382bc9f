using System.IO.Compression;
using ZstdSharp;

namespace Vigie.Ingestion;

/// <summary>
/// Reads a decompressor and reports damaged input as <see cref="InvalidDataException"/> naming the
/// encoding, the one exception the ingest paths answer with a 400 or a rejected message. The decompressors do not agree:
/// zlib throws an IOException of its own for a header asking for a preset dictionary, Brotli an
/// <see cref="InvalidOperationException"/>, zstd a <see cref="ZstdException"/>; left as they are, a
/// client's bad body would end as a server error.
/// </summary>
internal sealed class CorruptInputStream(Stream decompressor, string coding) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return decompressor.Read(buffer);
        }
        catch (Exception e) when (IsCorruptInput(e))
        {
            throw Translate(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await decompressor.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsCorruptInput(e))
        {
            throw Translate(e);
        }
    }

    // zlib's own exception type is internal; it is the IOException thrown from System.IO.Compression
    // itself. Other IOExceptions come from the body underneath (a client gone, Kestrel's size limit)
    // and must stay what they are.
    private static bool IsCorruptInput(Exception e) =>
        e is InvalidDataException or ZstdException or InvalidOperationException
        || (e is IOException && e.GetType().Namespace == typeof(ZLibStream).Namespace);

    private InvalidDataException Translate(Exception e) => new($"bad {coding} data: {e.Message}", e);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decompressor.Dispose();
        }
        base.Dispose(disposing);
    }
}
