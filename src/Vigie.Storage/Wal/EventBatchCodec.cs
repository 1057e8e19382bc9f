using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Wal;

/// <summary>
/// The binary form of an <see cref="EventBatch"/> inside a WAL record of versions 1 and 2, still read
/// at replay (version 3 writes <see cref="EventBatchLayoutCodec"/>). Persisted: never changes.
/// </summary>
/// <remarks>
/// Layout: event count, names (count, then length-prefixed UTF-8), stream keys (same), then per event:
/// zig-zag delta of the time from the previous event, stream index, field count, and per field: name
/// index, kind byte, value length, value bytes. All integers are LEB128 varints.
/// </remarks>
public static class EventBatchCodec
{
    public static void Write(EventBatch batch, ArrayBufferWriter<byte> output)
    {
        var w = new VarintWriter(output);
        w.WriteUInt((ulong)batch.Count);
        w.WriteUInt((ulong)batch.Names.Count);
        foreach (var name in batch.Names)
        {
            w.WriteString(name);
        }
        w.WriteUInt((ulong)batch.Streams.Count);
        foreach (var stream in batch.Streams)
        {
            w.WriteString(stream.Text);
        }
        long previous = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var time = batch.GetTime(i);
            w.WriteInt(time - previous);
            previous = time;
            w.WriteUInt((ulong)batch.GetStreamIndex(i));
            var (start, end) = batch.GetFieldRange(i);
            w.WriteUInt((ulong)(end - start));
            for (var f = start; f < end; f++)
            {
                w.WriteUInt((ulong)batch.GetNameId(f));
                w.WriteByte((byte)batch.GetKind(f));
                var value = batch.GetValue(f);
                w.WriteUInt((ulong)value.Length);
                w.WriteBytes(value);
            }
        }
    }

    /// <summary>Decodes a record payload; throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static EventBatch Read(ReadOnlySpan<byte> payload)
    {
        var r = new VarintReader(payload);
        var count = r.ReadCount();
        var names = new string[r.ReadCount()];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = r.ReadString();
        }
        var streams = new StreamKey[r.ReadCount()];
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i] = StreamKey.Parse(r.ReadString());
        }
        var batch = new EventBatch();
        var nameIds = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            nameIds[i] = batch.InternName(names[i]);
        }
        long time = 0;
        for (var e = 0; e < count; e++)
        {
            time += r.ReadInt();
            var stream = r.ReadIndex(streams.Length);
            var fields = r.ReadCount();
            batch.BeginEvent(time);
            for (var f = 0; f < fields; f++)
            {
                var name = r.ReadIndex(names.Length);
                var kind = (ValueKind)r.ReadByte();
                if (kind is < ValueKind.String or > ValueKind.Json)
                {
                    throw new InvalidDataException($"unknown value kind {(byte)kind}");
                }
                batch.AddField(nameIds[name], kind, r.ReadBytes(r.ReadCount()));
            }
            batch.EndEvent(streams[stream]);
        }
        if (!r.AtEnd)
        {
            throw new InvalidDataException("trailing bytes after the last event");
        }
        return batch;
    }

    /// <summary>Varints into a buffer writer; the layout codec (format 3) writes its header with it too.</summary>
    internal ref struct VarintWriter(ArrayBufferWriter<byte> output)
    {
        public readonly void WriteUInt(ulong value)
        {
            var span = output.GetSpan(10);
            var n = 0;
            while (value >= 0x80)
            {
                span[n++] = (byte)(value | 0x80);
                value >>= 7;
            }
            span[n++] = (byte)value;
            output.Advance(n);
        }

        public readonly void WriteInt(long value) => WriteUInt((ulong)((value << 1) ^ (value >> 63)));

        public readonly void WriteByte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
        }

        public readonly void WriteBytes(ReadOnlySpan<byte> bytes) => output.Write(bytes);

        public readonly void WriteString(string s)
        {
            var max = Encoding.UTF8.GetMaxByteCount(s.Length);
            var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
            var n = Encoding.UTF8.GetBytes(s, bytes);
            WriteUInt((ulong)n);
            WriteBytes(bytes[..n]);
        }
    }

    private ref struct VarintReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos == _data.Length;

        public ulong ReadUInt()
        {
            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
            throw new InvalidDataException("varint too long");
        }

        public long ReadInt()
        {
            var v = ReadUInt();
            return (long)(v >> 1) ^ -(long)(v & 1);
        }

        public int ReadCount()
        {
            var v = ReadUInt();
            if (v > (ulong)(_data.Length - _pos) * 8 + 64)
            {
                throw new InvalidDataException($"count {v} larger than the record");
            }
            return (int)v;
        }

        public int ReadIndex(int limit)
        {
            var v = ReadUInt();
            if (v >= (ulong)limit)
            {
                throw new InvalidDataException($"index {v} out of range {limit}");
            }
            return (int)v;
        }

        public byte ReadByte()
        {
            if (_pos >= _data.Length)
            {
                throw new InvalidDataException("record ends early");
            }
            return _data[_pos++];
        }

        public ReadOnlySpan<byte> ReadBytes(int n)
        {
            if (n > _data.Length - _pos)
            {
                throw new InvalidDataException("record ends early");
            }
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public string ReadString() => Encoding.UTF8.GetString(ReadBytes(ReadCount()));
    }

    internal static uint Checksum(ReadOnlySpan<byte> payload) => System.IO.Hashing.Crc32.HashToUInt32(payload);

    internal static void WriteRecordHeader(Span<byte> header, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(payload));
    }
}
