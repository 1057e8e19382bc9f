using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigie.Core.Io;
using Vigie.Storage.Wal;

namespace Vigie.Storage.Idempotency;

/// <summary>
/// <c>DATA/idempotency-keys</c>: the keys whose WAL segments were deleted after their events reached
/// parts. An append-only journal of checksummed records, rewritten (temp file, fsync, rename) when
/// expired keys make up most of it.
/// </summary>
/// <remarks>
/// Layout: magic "VIDK" u32, version u16, reserved u16; then records of payload length u32, CRC-32
/// u32, payload = per key: stored time (Unix ms) i64, key length u16, key UTF-8. A crash during an
/// append leaves a torn last record: its keys are still in the WAL (the checkpoint moves only after
/// the append is fsynced), so loading cuts the tail off and replay brings them back.
/// </remarks>
internal static class KeysFile
{
    public const string FileName = "idempotency-keys";

    private const uint Magic = 0x4B444956; // "VIDK"
    private const ushort Version = 1;
    private const int HeaderSize = 8;
    private const int RecordHeaderSize = 8;

    /// <summary>Reads the keys; cuts off a torn or damaged tail. Returns how many keys the file holds.</summary>
    public static int Load(string root, Action<StoredKey> onKey, ILogger logger)
    {
        var path = Path.Combine(root, FileName);
        File.Delete(path + Store.StoreLayout.TempExtension);
        if (!File.Exists(path))
        {
            return 0;
        }
        var data = File.ReadAllBytes(path);
        if (data.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic || BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(4)) != Version)
        {
            // Written by rename only after an fsync, so a bad header is damage: start a fresh file
            // (the WAL still holds the keys of the segments it keeps).
            logger.LogWarning("{File} is not a Vigie idempotency keys file; ignoring it", path);
            File.Delete(path);
            return 0;
        }
        var pos = HeaderSize;
        var count = 0;
        while (pos < data.Length)
        {
            if (data.Length - pos < RecordHeaderSize)
            {
                break;
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
            if (length > data.Length - pos - RecordHeaderSize)
            {
                break;
            }
            var payload = data.AsSpan(pos + RecordHeaderSize, (int)length);
            if (EventBatchCodec.Checksum(payload) != crc || !TryReadKeys(payload, onKey, ref count))
            {
                break;
            }
            pos += RecordHeaderSize + (int)length;
        }
        if (pos < data.Length)
        {
            logger.LogWarning("{File}: cut off {Bytes} bytes of a torn or damaged last record (its keys are still in the write-ahead log)", path, data.Length - pos);
            using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
            f.SetLength(pos);
            f.Flush(flushToDisk: true);
        }
        return count;
    }

    /// <summary>Appends one record with <paramref name="keys"/> and fsyncs it.</summary>
    public static void Append(string root, IReadOnlyCollection<StoredKey> keys)
    {
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            Rewrite(root, keys);
            return;
        }
        var record = Record(keys);
        using var f = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        f.Write(record);
        f.Flush(flushToDisk: true);
    }

    /// <summary>Replaces the file with one holding exactly <paramref name="keys"/>, atomically.</summary>
    public static void Rewrite(string root, IReadOnlyCollection<StoredKey> keys)
    {
        var path = Path.Combine(root, FileName);
        var temp = path + Store.StoreLayout.TempExtension;
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            header.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
            f.Write(header);
            if (keys.Count > 0)
            {
                f.Write(Record(keys));
            }
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Sync(root);
    }

    private static byte[] Record(IReadOnlyCollection<StoredKey> keys)
    {
        var size = RecordHeaderSize;
        foreach (var k in keys)
        {
            size += 8 + 2 + Encoding.UTF8.GetByteCount(k.Key);
        }
        var record = new byte[size];
        var pos = RecordHeaderSize;
        foreach (var k in keys)
        {
            BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(pos), k.StoredUnixMs);
            var n = Encoding.UTF8.GetBytes(k.Key, record.AsSpan(pos + 10));
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(pos + 8), (ushort)n);
            pos += 10 + n;
        }
        EventBatchCodec.WriteRecordHeader(record, record.AsSpan(RecordHeaderSize));
        return record;
    }

    private static bool TryReadKeys(ReadOnlySpan<byte> payload, Action<StoredKey> onKey, ref int count)
    {
        var keys = new List<StoredKey>();
        var pos = 0;
        while (pos < payload.Length)
        {
            if (payload.Length - pos < 10)
            {
                return false;
            }
            var ms = BinaryPrimitives.ReadInt64LittleEndian(payload[pos..]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(payload[(pos + 8)..]);
            if (length == 0 || length > payload.Length - pos - 10)
            {
                return false;
            }
            keys.Add(new StoredKey(Encoding.UTF8.GetString(payload.Slice(pos + 10, length)), ms));
            pos += 10 + length;
        }
        foreach (var k in keys)
        {
            onKey(k);
        }
        count += keys.Count;
        return true;
    }
}
