using System.Buffers.Binary;
using System.IO.Hashing;
using Vigie.Agent.Collection;
using Vigie.Core.Io;

namespace Vigie.Agent.Delivery;

/// <summary>
/// The small file that outlives deleted segments: the last sequence number the server acknowledged
/// and the positions as they stood, so that deleting a segment forgets neither. Written aside, fsynced,
/// renamed over the old one and the directory fsynced: a crash leaves the old or the new, never half.
/// </summary>
internal static class Checkpoint
{
    private const int HeaderBytes = 12;

    public sealed record Data(long AckedSeq, Dictionary<string, SourcePosition> Positions);

    public static void Write(string directory, long ackedSeq, IReadOnlyDictionary<string, SourcePosition> positions)
    {
        using var buffer = new PooledBuffer(4096);
        buffer.Advance(HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), ackedSeq);
        buffer.Advance(8);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), positions.Count);
        buffer.Advance(4);
        foreach (var (key, position) in positions)
        {
            PositionCodec.Write(buffer, key, position);
        }
        var bytes = buffer.WrittenBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, BufferFormat.CheckpointMagic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], bytes.Length - HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Crc32.HashToUInt32(bytes[HeaderBytes..]));

        var path = Path.Combine(directory, BufferFormat.CheckpointFile);
        var temp = path + ".tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        DirectorySync.Sync(directory);
    }

    /// <summary>The checkpoint, null when there is none; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static Data? Read(string directory)
    {
        var path = Path.Combine(directory, BufferFormat.CheckpointFile);
        if (!File.Exists(path))
        {
            return null;
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderBytes + 12
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != BufferFormat.CheckpointMagic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)) != bytes.Length - HeaderBytes
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) != Crc32.HashToUInt32(bytes.AsSpan(HeaderBytes)))
        {
            throw new InvalidDataException($"{path}: not a valid checkpoint (bad magic, length or CRC)");
        }
        var acked = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(HeaderBytes));
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(HeaderBytes + 8));
        var positions = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        if (count < 0 || !PositionCodec.TryRead(bytes.AsSpan(HeaderBytes + 12), count, (key, p) =>
        {
            if (p is { } position)
            {
                positions[key] = position;
            }
        }, out _))
        {
            throw new InvalidDataException($"{path}: its positions do not parse");
        }
        return new Data(acked, positions);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next open, which deletes stray temp files.
        }
    }
}
