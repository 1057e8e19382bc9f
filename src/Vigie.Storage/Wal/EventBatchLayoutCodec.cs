using System.Buffers;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Wal;

/// <summary>
/// The binary form of an <see cref="EventBatch"/> in a version-3 WAL record: a short head, then the
/// batch's own arrays as they are in memory (the version-2 form, <see cref="EventBatchCodec"/>, encoded
/// every field as varints into a record buffer first). Still read at replay; version 4 writes
/// <see cref="EventBatchNarrowCodec"/>, and the writing half here is kept so that tests can write the
/// segments of the version before. Persisted: never changes.
/// </summary>
/// <remarks>
/// Head (LEB128 varints): event count, names (count, then length-prefixed UTF-8), stream keys (same),
/// field count, value bytes. Then, little-endian: times (i64 per event), stream indexes (i32 per
/// event), first field of each event and the field count (i32, events + 1), name indexes (i32 per
/// field), value lengths (i32 per field), kinds (one byte per field), and the values, one after the
/// other. About 9 bytes per field and 16 per event besides the values, against 3 to 4 and 7 to 10
/// for the varints: more bytes to the disk, much less work for the CPU.
/// </remarks>
internal static class EventBatchLayoutCodec
{
    /// <summary>The pieces after the head: times, stream indexes, field starts, name ids, lengths, kinds, values.</summary>
    public const int Pieces = 7;

    /// <summary>Writes the head; the pieces follow it in the record.</summary>
    public static void WriteHead(EventBatch batch, ArrayBufferWriter<byte> output)
    {
        WriteUInt(output, (ulong)batch.Count);
        WriteUInt(output, (ulong)batch.Names.Count);
        foreach (var name in batch.Names)
        {
            WriteString(output, name);
        }
        WriteUInt(output, (ulong)batch.Streams.Count);
        foreach (var stream in batch.Streams)
        {
            WriteString(output, stream.Text);
        }
        WriteUInt(output, (ulong)batch.TotalFields);
        WriteUInt(output, (ulong)batch.ValueBytes);
    }

    /// <summary>One of the <see cref="Pieces"/> pieces of the batch's body, as bytes of its own arrays.</summary>
    public static ReadOnlySpan<byte> Piece(EventBatch batch, int piece) => piece switch
    {
        0 => MemoryMarshal.AsBytes(batch.Times),
        1 => MemoryMarshal.AsBytes(batch.StreamIndexes),
        2 => MemoryMarshal.AsBytes(batch.FieldStarts),
        3 => MemoryMarshal.AsBytes(batch.NameIds),
        4 => MemoryMarshal.AsBytes(batch.ValueLengths),
        5 => MemoryMarshal.AsBytes(batch.Kinds),
        _ => batch.RawBytes,
    };

    /// <summary>The bytes of the body after the head.</summary>
    public static long BodyLength(EventBatch batch) =>
        (long)batch.Count * (sizeof(long) + sizeof(int)) + (batch.Count + 1L) * sizeof(int)
        + (long)batch.TotalFields * (sizeof(int) + sizeof(int) + sizeof(ValueKind)) + batch.ValueBytes;

    /// <summary>Adds the body to a checksum being computed over the record's payload.</summary>
    public static void AppendBody(EventBatch batch, Crc32 crc)
    {
        for (var p = 0; p < Pieces; p++)
        {
            crc.Append(Piece(batch, p));
        }
    }

    /// <summary>Writes the body where the head was written (each piece straight from the batch's arrays).</summary>
    public static void WriteBody(EventBatch batch, IBufferWriter<byte> output)
    {
        for (var p = 0; p < Pieces; p++)
        {
            output.Write(Piece(batch, p));
        }
    }

    /// <summary>Decodes a record payload (after its key); throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static EventBatch Read(ReadOnlySpan<byte> payload)
    {
        var pos = 0;
        var count = ReadCount(payload, ref pos);
        var names = new string[ReadCount(payload, ref pos)];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = ReadString(payload, ref pos);
        }
        var streams = new StreamKey[ReadCount(payload, ref pos)];
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i] = StreamKey.Parse(ReadString(payload, ref pos));
        }
        var fields = ReadCount(payload, ref pos);
        var valueBytes = ReadCount(payload, ref pos);
        var times = ReadArray<long>(payload, ref pos, count);
        var streamIndexes = ReadArray<int>(payload, ref pos, count);
        var fieldStarts = ReadArray<int>(payload, ref pos, count + 1);
        var nameIds = ReadArray<int>(payload, ref pos, fields);
        var lengths = ReadArray<int>(payload, ref pos, fields);
        var kinds = ReadArray<ValueKind>(payload, ref pos, fields);
        var values = ReadArray<byte>(payload, ref pos, valueBytes);
        if (pos != payload.Length)
        {
            throw new InvalidDataException("trailing bytes after the last value");
        }
        return EventBatch.FromLayout(names, streams, times, streamIndexes, fieldStarts, nameIds, kinds, lengths, values);
    }

    private static T[] ReadArray<T>(ReadOnlySpan<byte> payload, ref int pos, int length)
        where T : unmanaged
    {
        var bytes = (long)length * Unsafe.SizeOf<T>();
        if (bytes > payload.Length - pos)
        {
            throw new InvalidDataException("record ends early");
        }
        var array = GC.AllocateUninitializedArray<T>(length);
        payload.Slice(pos, (int)bytes).CopyTo(MemoryMarshal.AsBytes(array.AsSpan()));
        pos += (int)bytes;
        return array;
    }

    private static void WriteUInt(ArrayBufferWriter<byte> output, ulong value) => new EventBatchCodec.VarintWriter(output).WriteUInt(value);

    private static void WriteString(ArrayBufferWriter<byte> output, string s)
    {
        var n = Encoding.UTF8.GetByteCount(s);
        WriteUInt(output, (ulong)n);
        Encoding.UTF8.GetBytes(s, output.GetSpan(n));
        output.Advance(n);
    }

    private static ulong ReadUInt(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("record ends early");
            }
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("varint too long");
    }

    /// <summary>A count or size, which can never exceed the record's own bytes by much.</summary>
    private static int ReadCount(ReadOnlySpan<byte> data, ref int pos)
    {
        var v = ReadUInt(data, ref pos);
        if (v > (ulong)(data.Length - pos) + 1)
        {
            throw new InvalidDataException($"count {v} larger than the record");
        }
        return (int)v;
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int pos)
    {
        var n = ReadCount(data, ref pos);
        if (n > data.Length - pos)
        {
            throw new InvalidDataException("record ends early");
        }
        var s = Encoding.UTF8.GetString(data.Slice(pos, n));
        pos += n;
        return s;
    }
}
