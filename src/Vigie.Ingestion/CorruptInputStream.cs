using System.IO.Compression;
using Vigie.Core.Io;
using ZstdSharp;

namespace Vigie.Ingestion;

/// <summary>
/// Reads a decompressor and reports damaged input as <see cref="InvalidDataException"/> naming the
/// encoding, the one exception the ingest paths answer with a 400 or a rejected message. The decompressors do not agree:
/// zlib throws an IOException of its own for a header asking for a preset dictionary, Brotli an
/// <see cref="InvalidOperationException"/>, zstd a <see cref="ZstdException"/>; left as they are, a
/// client's bad body would end as a server error.
/// </summary>
internal sealed class CorruptInputStream(Stream decompressor, string coding) : ReadOnlyWrapperStream(decompressor)
{
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Inner.Read(buffer);
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
            return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
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
}
