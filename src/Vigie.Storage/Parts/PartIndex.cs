using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// Serialises the part index (every <see cref="BlockInfo"/>, see docs/storage-format.md) and parses
/// it back, checking every count, enum and limit so that a damaged index fails with
/// <see cref="InvalidDataException"/> instead of producing a wrong part.
/// </summary>
internal static class PartIndex
{
    public static void Write(ByteBuffer output, IReadOnlyList<BlockInfo> blocks)
    {
        output.WriteVarint((ulong)blocks.Count);
        foreach (var b in blocks)
        {
            output.WriteUtf8String(b.Stream.Text);
            output.WriteInt64(b.MinTime);
            output.WriteInt64(b.MaxTime);
            output.WriteVarint((ulong)b.RowCount);
            output.WriteByte((byte)b.TimesEncoding);
            WriteSegment(output, b.Times);
            output.WriteVarint((ulong)b.Columns.Count);
            foreach (var c in b.Columns)
            {
                output.WriteUtf8String(c.Name);
                output.WriteByte((byte)c.Encoding);
                output.WriteByte((byte)c.KindsLayout);
                output.WriteByte((byte)(c.UniformKind ?? ValueKind.Absent));
                output.WriteVarint((ulong)c.PresentRows);
                var flags = PartFormat.ColumnFlags.None;
                if (c.MinNumber is not null)
                {
                    flags |= PartFormat.ColumnFlags.NumberRange;
                }
                if (c.Bloom is not null)
                {
                    flags |= PartFormat.ColumnFlags.Bloom;
                }
                output.WriteByte((byte)flags);
                WriteSegment(output, c.Data);
                if (c.Encoding is ColumnEncoding.Const or ColumnEncoding.Dict)
                {
                    output.WriteVarint((ulong)c.Entries.Length);
                    foreach (var e in c.Entries)
                    {
                        output.WriteByte((byte)e.Kind);
                        output.WriteBlob(e.Bytes);
                    }
                }
                if (c.MinNumber is { } min && c.MaxNumber is { } max)
                {
                    output.WriteDouble(min);
                    output.WriteDouble(max);
                }
                if (c.Bloom is { } bloom)
                {
                    WriteSegment(output, bloom);
                }
            }
        }
    }

    public static List<BlockInfo> Read(ReadOnlySpan<byte> index, long fileLength)
    {
        var r = new SpanReader(index);
        var count = r.ReadCount(index.Length);
        var blocks = new List<BlockInfo>(count);
        var interner = new IndexInterner();
        for (var b = 0; b < count; b++)
        {
            var stream = interner.Stream(r.ReadUtf8String(), ParseStream);
            var minTime = r.ReadInt64();
            var maxTime = r.ReadInt64();
            if (minTime > maxTime)
            {
                throw new InvalidDataException($"block {b}: min time {minTime} after max time {maxTime}");
            }
            var rows = r.ReadCount(PartFormat.MaxRowsPerBlock);
            if (rows == 0)
            {
                throw new InvalidDataException($"block {b} has no rows");
            }
            var timesEncoding = r.ReadByte();
            if (timesEncoding is not ((byte)PartFormat.TimesEncoding.DeltaOfDelta or (byte)PartFormat.TimesEncoding.Packed))
            {
                throw new InvalidDataException($"block {b}: unknown times encoding {timesEncoding}");
            }
            var times = ReadSegment(ref r, fileLength);
            var columnCount = r.ReadCount(PartFormat.MaxColumnsPerBlock);
            var columns = new ColumnInfo[columnCount];
            var names = new string[columnCount];
            for (var c = 0; c < columnCount; c++)
            {
                columns[c] = ReadColumn(ref r, rows, fileLength, interner);
                names[c] = columns[c].Name;
            }
            var layout = interner.Layout(names)
                ?? throw new InvalidDataException($"block {b}: column {names.GroupBy(n => n, StringComparer.Ordinal).First(g => g.Count() > 1).Key} appears twice");
            blocks.Add(new BlockInfo(stream, minTime, maxTime, rows, times, columns, layout, (PartFormat.TimesEncoding)timesEncoding));
        }
        if (!r.AtEnd)
        {
            throw new InvalidDataException($"{r.Remaining} bytes left over after the last block");
        }
        return blocks;
    }

    private static ColumnInfo ReadColumn(ref SpanReader r, int rows, long fileLength, IndexInterner interner)
    {
        var name = interner.Name(r.ReadUtf8String());
        var encoding = (ColumnEncoding)r.ReadByte();
        if (encoding is < ColumnEncoding.Const or > ColumnEncoding.Template)
        {
            throw new InvalidDataException($"column {name}: unknown encoding {(byte)encoding}");
        }
        var layout = (PartFormat.KindsLayout)r.ReadByte();
        var uniformKind = (ValueKind)r.ReadByte();
        var present = r.ReadCount(rows);
        switch (layout)
        {
            case PartFormat.KindsLayout.Uniform when uniformKind is > ValueKind.Absent and <= ValueKind.Json && present == rows:
            case PartFormat.KindsLayout.PerRow when uniformKind == ValueKind.Absent:
                break;
            default:
                throw new InvalidDataException($"column {name}: kinds layout {(byte)layout} with kind {(byte)uniformKind} and {present} of {rows} rows present");
        }
        var flags = (PartFormat.ColumnFlags)r.ReadByte();
        if ((flags & ~(PartFormat.ColumnFlags.NumberRange | PartFormat.ColumnFlags.Bloom)) != 0)
        {
            throw new InvalidDataException($"column {name}: unknown flags {(byte)flags}");
        }
        var data = ReadSegment(ref r, fileLength);
        var entries = Array.Empty<DictEntry>();
        FieldValue[]? values = null;
        ColumnEntries? shared = null;
        if (encoding is ColumnEncoding.Const or ColumnEncoding.Dict)
        {
            var n = r.ReadCount(PartFormat.MaxDictionaryValues);
            if (n == 0 || (encoding == ColumnEncoding.Const && (n != 1 || layout != PartFormat.KindsLayout.Uniform)))
            {
                throw new InvalidDataException($"column {name}: {encoding} with {n} values");
            }
            values = new FieldValue[n];
            // The exact bytes, kept only for a column with a value whose text does not encode back to them.
            DictEntry[]? exact = null;
            for (var i = 0; i < n; i++)
            {
                var kind = (ValueKind)r.ReadByte();
                if (kind is ValueKind.Absent or > ValueKind.Json)
                {
                    throw new InvalidDataException($"column {name}: value {i} has unknown kind {(byte)kind}");
                }
                var bytes = r.ReadBlob();
                values[i] = interner.Value(kind, bytes, out var roundTrips);
                if (!roundTrips && exact is null)
                {
                    exact = new DictEntry[n];
                    for (var j = 0; j < i; j++)
                    {
                        exact[j] = new DictEntry(values[j].Kind, System.Text.Encoding.UTF8.GetBytes(values[j].Text));
                    }
                }
                if (exact is not null)
                {
                    exact[i] = new DictEntry(kind, bytes.ToArray());
                }
            }
            if (exact is null)
            {
                (values, shared) = interner.Values(values);
            }
            else
            {
                entries = exact;
            }
        }
        double? min = null;
        double? max = null;
        if ((flags & PartFormat.ColumnFlags.NumberRange) != 0)
        {
            var lo = r.ReadDouble();
            var hi = r.ReadDouble();
            if (!double.IsFinite(lo) || !double.IsFinite(hi) || lo > hi)
            {
                throw new InvalidDataException($"column {name}: bad numeric range [{lo}, {hi}]");
            }
            (min, max) = (lo, hi);
        }
        SegmentRef? bloom = (flags & PartFormat.ColumnFlags.Bloom) != 0 ? ReadSegment(ref r, fileLength) : null;
        return shared is not null && values is not null
            ? new ColumnInfo(name, encoding, layout, uniformKind, present, shared, values, min, max, data, bloom)
            : new ColumnInfo(name, encoding, layout, uniformKind, present, entries, min, max, data, bloom, values);
    }

    /// <summary>
    /// A block's entry as <see cref="Read"/> would give it back from the bytes <see cref="Write"/> makes of it:
    /// its names, stream, values and layout shared through <paramref name="interner"/>, so that the index
    /// the part writer hands to the new part's reader is the one reading the file back gives, in meaning
    /// and in what it holds in memory, without reading it back.
    /// </summary>
    /// <exception cref="ArgumentException">A column name repeats (the index could not be read back).</exception>
    internal static BlockInfo Written(
        IndexInterner interner, StreamKey stream, long minTime, long maxTime, int rows, SegmentRef times, ColumnInfo[] columns,
        PartFormat.TimesEncoding timesEncoding)
    {
        var names = new string[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            names[c] = columns[c].Name;
        }
        var layout = interner.Layout(names) ?? throw new ArgumentException($"a block's column name appears twice: {string.Join(", ", names)}", nameof(columns));
        return new BlockInfo(interner.Stream(stream.Text, _ => stream), minTime, maxTime, rows, times, columns, layout, timesEncoding);
    }

    /// <summary>A column's entry as <see cref="Read"/> would give it back (see <see cref="Written"/>): the same sharing, the same values.</summary>
    internal static ColumnInfo WrittenColumn(
        IndexInterner interner, string name, ColumnEncoding encoding, PartFormat.KindsLayout layout, ValueKind uniformKind, int present,
        DictEntry[] entries, double? minNumber, double? maxNumber, SegmentRef data, SegmentRef? bloom)
    {
        name = interner.Name(name);
        // The index stores a range only when both ends are there, and entries only for these encodings.
        if (minNumber is null || maxNumber is null)
        {
            (minNumber, maxNumber) = (null, null);
        }
        if (encoding is not (ColumnEncoding.Const or ColumnEncoding.Dict))
        {
            return new ColumnInfo(name, encoding, layout, uniformKind, present, [], minNumber, maxNumber, data, bloom);
        }
        var values = new FieldValue[entries.Length];
        var roundTrips = true;
        for (var i = 0; i < entries.Length; i++)
        {
            values[i] = interner.Value(entries[i].Kind, entries[i].Bytes, out var valueRoundTrips);
            roundTrips &= valueRoundTrips;
        }
        if (!roundTrips)
        {
            // As read back: the exact bytes, kept beside the texts.
            return new ColumnInfo(name, encoding, layout, uniformKind, present, entries, minNumber, maxNumber, data, bloom, values);
        }
        var (sharedValues, sharedEntries) = interner.Values(values);
        return new ColumnInfo(name, encoding, layout, uniformKind, present, sharedEntries, sharedValues, minNumber, maxNumber, data, bloom);
    }

    /// <summary>A block of another part copied as stored, its segments moved by <paramref name="delta"/>, as <see cref="Read"/> would give it back.</summary>
    internal static BlockInfo Copied(IndexInterner interner, BlockInfo source, long delta)
    {
        var columns = new ColumnInfo[source.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var s = source.Columns[c];
            columns[c] = WrittenColumn(
                interner, s.Name, s.Encoding, s.KindsLayout, s.UniformKind ?? ValueKind.Absent, s.PresentRows,
                s.Encoding is ColumnEncoding.Const or ColumnEncoding.Dict ? s.Entries : [], s.MinNumber, s.MaxNumber,
                s.Data with { Offset = s.Data.Offset + delta }, s.Bloom is { } b ? b with { Offset = b.Offset + delta } : null);
        }
        return Written(interner, source.Stream, source.MinTime, source.MaxTime, source.RowCount, source.Times with { Offset = source.Times.Offset + delta }, columns, source.TimesEncoding);
    }

    private static StreamKey ParseStream(string text)
    {
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}')
        {
            throw new InvalidDataException($"stream key '{text}' is not in canonical form");
        }
        try
        {
            return StreamKey.Parse(text);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"stream key '{text}' does not parse: {e.Message}", e);
        }
    }

    private static void WriteSegment(ByteBuffer output, SegmentRef segment)
    {
        output.WriteVarint((ulong)segment.Offset);
        output.WriteVarint((ulong)segment.Length);
        output.WriteUInt64(segment.Checksum);
    }

    private static SegmentRef ReadSegment(ref SpanReader r, long fileLength)
    {
        var offset = r.ReadLongVarint();
        var length = r.ReadCount(PartFormat.MaxSegmentBytes);
        var checksum = r.ReadUInt64();
        if (offset < PartFormat.HeaderSize || offset + length > fileLength - PartFormat.FooterSize)
        {
            throw new InvalidDataException($"segment [{offset}, +{length}) lies outside the data region");
        }
        return new SegmentRef(offset, length, checksum);
    }
}
