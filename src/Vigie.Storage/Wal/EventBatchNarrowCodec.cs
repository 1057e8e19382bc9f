using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Wal;

/// <summary>
/// The binary form of an <see cref="EventBatch"/> in a version-4 WAL record: a head that holds the
/// batch's names, streams and every event's and field's description as varints, then the values as
/// they are in the batch, written straight from it. Persisted: changes only with <see cref="WalFormat.Version"/>.
/// </summary>
/// <remarks>
/// <para>Head (LEB128 varints): event count, names (count, then length-prefixed UTF-8), stream keys
/// (same), field count, value bytes; then per event: the zig-zag difference of its time from the
/// previous event's (wrapping, so any two times encode), its stream index and its field count; then
/// per field the name index shifted left by two with the kind less one in the low two bits (kinds are
/// String to Json, four of them); then per field the value's length. The values follow, one after the
/// other.</para>
/// <para>Version 3 wrote the batch's arrays as they are in memory: 9 bytes per field and 16 per event
/// besides the values. A batch of at most 32 names and values shorter than 128 bytes takes 2 bytes per
/// field here, and an event about 5: every byte fewer is a byte less to checksum, copy into the group
/// and have the kernel copy into the page cache. The fields' name-and-kind and length sections are
/// apart so that the common case (one byte each) is written 32 fields at a time with vector
/// instructions; the varints are the format, the vectors only a faster way to write the same bytes.</para>
/// </remarks>
internal static class EventBatchNarrowCodec
{
    /// <summary>The most bytes one event's own varints take (time, stream index, field count).</summary>
    private const int MaxEventBytes = 10 + 5 + 5;

    /// <summary>The most bytes one field's varints take (name and kind, length).</summary>
    private const int MaxFieldBytes = 5 + 5;

    /// <summary>Kinds are stored less one, in two bits: String to Json.</summary>
    private const int KindBits = 2;

    /// <summary>
    /// The most bytes the head can take besides names and streams, and the values: an upper bound of
    /// the record, known before it is written.
    /// </summary>
    public static long MaxBodyBytes(EventBatch batch) =>
        5L * 4 + (long)batch.Count * MaxEventBytes + (long)batch.TotalFields * MaxFieldBytes + batch.ValueBytes;

    /// <summary>Writes the head (counts, names, streams and the events' descriptions); the values follow it in the record.</summary>
    /// <exception cref="ArgumentException">A field's kind is not one a batch can hold.</exception>
    public static void WriteHead(EventBatch batch, ArrayBufferWriter<byte> output)
    {
        // The counts, names and streams are written as version 3 wrote them; the events' descriptions follow.
        EventBatchLayoutCodec.WriteHead(batch, output);
        WriteEvents(batch, output);
    }

    /// <summary>The bytes that follow the head: the values, as the batch holds them.</summary>
    public static ReadOnlySpan<byte> Values(EventBatch batch) => batch.RawBytes;

    /// <inheritdoc cref="Values"/>
    public static ReadOnlyMemory<byte> ValuesMemory(EventBatch batch) => batch.RawBytesMemory;

    /// <summary>Elements encoded per span taken from the writer: a few kilobytes at most.</summary>
    private const int Chunk = 1024;

    private static void WriteEvents(EventBatch batch, ArrayBufferWriter<byte> output)
    {
        var times = batch.Times;
        var streams = batch.StreamIndexes;
        var starts = batch.FieldStarts;
        long previous = 0;
        for (var first = 0; first < times.Length; first += Chunk)
        {
            var last = Math.Min(times.Length, first + Chunk);
            // Written through a reference into a span with room for the worst case: no bound check per byte.
            ref var at = ref MemoryMarshal.GetReference(output.GetSpan((last - first) * MaxEventBytes));
            var n = 0;
            for (var e = first; e < last; e++)
            {
                n = Put(ref at, n, Zigzag(unchecked(times[e] - previous)));
                previous = times[e];
                n = Put(ref at, n, (uint)streams[e]);
                n = Put(ref at, n, (uint)(starts[e + 1] - starts[e]));
            }
            output.Advance(n);
        }
        var names = batch.NameIds;
        var kinds = batch.Kinds;
        var oneByteNames = batch.Names.Count <= 0x80 >> KindBits;
        for (var first = 0; first < names.Length; first += Chunk)
        {
            var count = Math.Min(Chunk, names.Length - first);
            var span = output.GetSpan(count * 5);
            var n = oneByteNames
                ? PutSmallNamesAndKinds(names.Slice(first, count), kinds.Slice(first, count), span)
                : PutNamesAndKinds(names.Slice(first, count), kinds.Slice(first, count), span);
            output.Advance(n);
        }
        var lengths = batch.ValueLengths;
        for (var first = 0; first < lengths.Length; first += Chunk)
        {
            var count = Math.Min(Chunk, lengths.Length - first);
            output.Advance(PutLengths(lengths.Slice(first, count), output.GetSpan(count * 5)));
        }
    }

    /// <summary>Name ids below 32: one byte per field.</summary>
    private static int PutSmallNamesAndKinds(ReadOnlySpan<int> names, ReadOnlySpan<ValueKind> kinds, Span<byte> output)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var name = ref MemoryMarshal.GetReference(names);
            ref var kind = ref Unsafe.As<ValueKind, byte>(ref MemoryMarshal.GetReference(kinds));
            ref var to = ref MemoryMarshal.GetReference(output);
            for (; i + 32 <= names.Length; i += 32)
            {
                var k = Vector256.LoadUnsafe(ref kind, (nuint)i) - Vector256<byte>.One;
                if (Vector256.GreaterThanAny(k, Vector256.Create((byte)3)))
                {
                    break; // the scalar loop below says which field
                }
                var low = Vector256.Narrow(Vector256.LoadUnsafe(ref name, (nuint)i), Vector256.LoadUnsafe(ref name, (nuint)i + 8));
                var high = Vector256.Narrow(Vector256.LoadUnsafe(ref name, (nuint)i + 16), Vector256.LoadUnsafe(ref name, (nuint)i + 24));
                var bytes = Vector256.Narrow(low.AsUInt16(), high.AsUInt16());
                ((bytes << KindBits) | k).StoreUnsafe(ref to, (nuint)i);
            }
        }
        for (; i < names.Length; i++)
        {
            output[i] = (byte)((names[i] << KindBits) | (int)KindLessOne(kinds[i]));
        }
        return names.Length;
    }

    private static int PutNamesAndKinds(ReadOnlySpan<int> names, ReadOnlySpan<ValueKind> kinds, Span<byte> output)
    {
        ref var at = ref MemoryMarshal.GetReference(output);
        var n = 0;
        for (var i = 0; i < names.Length && i < kinds.Length; i++)
        {
            n = Put(ref at, n, ((ulong)(uint)names[i] << KindBits) | KindLessOne(kinds[i]));
        }
        return n;
    }

    private static uint KindLessOne(ValueKind kind)
    {
        var k = (uint)kind - 1;
        return k <= 3 ? k : throw new ArgumentException($"a field of kind {(byte)kind} cannot be written", nameof(kind));
    }

    /// <summary>Lengths as varints, 32 at a time when all of them are below 128.</summary>
    private static int PutLengths(ReadOnlySpan<int> lengths, Span<byte> output)
    {
        ref var length = ref MemoryMarshal.GetReference(lengths);
        ref var at = ref MemoryMarshal.GetReference(output);
        var n = 0;
        var i = 0;
        for (; i + 32 <= lengths.Length; i += 32)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var a = Vector256.LoadUnsafe(ref length, (nuint)i);
                var b = Vector256.LoadUnsafe(ref length, (nuint)i + 8);
                var c = Vector256.LoadUnsafe(ref length, (nuint)i + 16);
                var d = Vector256.LoadUnsafe(ref length, (nuint)i + 24);
                if (Vector256.LessThanAll((a | b | c | d).AsUInt32(), Vector256.Create(0x80u)))
                {
                    Vector256.Narrow(Vector256.Narrow(a, b).AsUInt16(), Vector256.Narrow(c, d).AsUInt16()).StoreUnsafe(ref at, (nuint)n);
                    n += 32;
                    continue;
                }
            }
            for (var j = i; j < i + 32; j++)
            {
                n = Put(ref at, n, (uint)Unsafe.Add(ref length, j));
            }
        }
        for (; i < lengths.Length; i++)
        {
            n = Put(ref at, n, (uint)Unsafe.Add(ref length, i));
        }
        return n;
    }

    private static ulong Zigzag(long value) => (ulong)((value << 1) ^ (value >> 63));

    /// <summary>One varint at <paramref name="pos"/> (room for it checked by the caller); returns the position after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Put(ref byte at, int pos, ulong value)
    {
        if (value < 0x80)
        {
            Unsafe.Add(ref at, pos) = (byte)value;
            return pos + 1;
        }
        return PutLong(ref at, pos, value);
    }

    private static int PutLong(ref byte at, int pos, ulong value)
    {
        while (value >= 0x80)
        {
            Unsafe.Add(ref at, pos++) = (byte)(value | 0x80);
            value >>= 7;
        }
        Unsafe.Add(ref at, pos++) = (byte)value;
        return pos;
    }

    /// <summary>Decodes a record payload (after its key); throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static EventBatch Read(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
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
        var fields = r.ReadCount();
        var valueBytes = r.ReadCount();
        var times = GC.AllocateUninitializedArray<long>(count);
        var streamIndexes = GC.AllocateUninitializedArray<int>(count);
        var fieldStarts = GC.AllocateUninitializedArray<int>(count + 1);
        var nameIds = GC.AllocateUninitializedArray<int>(fields);
        var kinds = GC.AllocateUninitializedArray<ValueKind>(fields);
        var lengths = GC.AllocateUninitializedArray<int>(fields);
        long time = 0;
        var field = 0;
        for (var e = 0; e < count; e++)
        {
            var delta = r.ReadUInt();
            time = unchecked(time + ((long)(delta >> 1) ^ -(long)(delta & 1)));
            times[e] = time;
            streamIndexes[e] = r.ReadIndex(streams.Length);
            fieldStarts[e] = field;
            var eventFields = r.ReadUInt();
            if (eventFields > (ulong)(fields - field))
            {
                throw new InvalidDataException("an event has more fields than the batch");
            }
            field += (int)eventFields;
        }
        fieldStarts[count] = field;
        if (field != fields)
        {
            throw new InvalidDataException($"the events hold {field} fields, the batch {fields}");
        }
        // 32 one-byte fields at a time when they are (names out of range are caught by FromLayout),
        // else the next 32 one by one, as the writer wrote them.
        for (var f = 0; f < fields; f += 32)
        {
            if (fields - f >= 32 && r.TryReadSmall32(out var small))
            {
                var (low, high) = Vector256.Widen(small >>> KindBits);
                StoreInts(low, high, nameIds.AsSpan(f));
                ((small & Vector256.Create((byte)3)) + Vector256<byte>.One).StoreUnsafe(ref Unsafe.As<ValueKind, byte>(ref kinds[f]));
                continue;
            }
            for (var i = f; i < fields && i < f + 32; i++)
            {
                var nameAndKind = r.ReadUInt();
                var name = nameAndKind >> KindBits;
                if (name >= (ulong)names.Length)
                {
                    throw new InvalidDataException($"name index {name} out of range {names.Length}");
                }
                nameIds[i] = (int)name;
                kinds[i] = (ValueKind)((int)(nameAndKind & 3) + 1);
            }
        }
        for (var f = 0; f < fields; f += 32)
        {
            if (fields - f >= 32 && r.TryReadSmall32(out var small))
            {
                var (low, high) = Vector256.Widen(small);
                StoreInts(low, high, lengths.AsSpan(f));
                continue;
            }
            for (var i = f; i < fields && i < f + 32; i++)
            {
                lengths[i] = r.ReadLength(valueBytes);
            }
        }
        var values = r.ReadBytes(valueBytes).ToArray();
        if (!r.AtEnd)
        {
            throw new InvalidDataException("trailing bytes after the last value");
        }
        return EventBatch.FromLayout(names, streams, times, streamIndexes, fieldStarts, nameIds, kinds, lengths, values);
    }

    /// <summary>32 bytes widened to 32 ints at the start of <paramref name="output"/> (at least 32 long).</summary>
    private static void StoreInts(Vector256<ushort> low, Vector256<ushort> high, Span<int> output)
    {
        ref var to = ref Unsafe.As<int, uint>(ref MemoryMarshal.GetReference(output[..32]));
        var (a, b) = Vector256.Widen(low);
        var (c, d) = Vector256.Widen(high);
        a.StoreUnsafe(ref to);
        b.StoreUnsafe(ref to, 8);
        c.StoreUnsafe(ref to, 16);
        d.StoreUnsafe(ref to, 24);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos == _data.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong ReadUInt()
        {
            if ((uint)_pos < (uint)_data.Length && _data[_pos] < 0x80)
            {
                return _data[_pos++];
            }
            return ReadLongUInt();
        }

        private ulong ReadLongUInt()
        {
            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                if (_pos >= _data.Length)
                {
                    throw new InvalidDataException("record ends early");
                }
                var b = _data[_pos++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
            throw new InvalidDataException("varint too long");
        }

        /// <summary>A count or size, which can never exceed the record's own bytes by much (a field or an event takes at least one).</summary>
        public int ReadCount()
        {
            var v = ReadUInt();
            if (v > (ulong)(_data.Length - _pos) + 1)
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

        public int ReadLength(int limit)
        {
            var v = ReadUInt();
            if (v > (ulong)limit)
            {
                throw new InvalidDataException($"value length {v} beyond the batch's {limit} bytes");
            }
            return (int)v;
        }

        /// <summary>The next 32 bytes when each is a whole varint (below 128); otherwise nothing read.</summary>
        public bool TryReadSmall32(out Vector256<byte> bytes)
        {
            if (Vector256.IsHardwareAccelerated && _data.Length - _pos >= 32)
            {
                bytes = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_data), (nuint)_pos);
                if (bytes.ExtractMostSignificantBits() == 0)
                {
                    _pos += 32;
                    return true;
                }
            }
            bytes = default;
            return false;
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
}
