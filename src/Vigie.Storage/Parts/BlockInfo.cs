using Vigie.Core;

namespace Vigie.Storage.Parts;

/// <summary>What a part's index knows about one block: its stream, time range, rows and columns.</summary>
/// <remarks>
/// Immutable; shared by all readers of the part. A block finds its columns by name through a
/// <see cref="ColumnLayout"/>, shared by the blocks of a part that hold the same columns in the
/// same order (when the index is read, most of them do), not a table of its own.
/// </remarks>
public sealed class BlockInfo
{
    private readonly ColumnLayout _layout;

    /// <summary>A block as the part writer encodes it: its times are <see cref="PartFormat.TimesEncoding.Packed"/> unless said otherwise.</summary>
    internal BlockInfo(
        StreamKey stream, long minTime, long maxTime, int rowCount, SegmentRef times, IReadOnlyList<ColumnInfo> columns,
        PartFormat.TimesEncoding timesEncoding = PartFormat.TimesEncoding.Packed)
        : this(stream, minTime, maxTime, rowCount, times, columns, ColumnLayout.Of(columns), timesEncoding)
    {
    }

    internal BlockInfo(
        StreamKey stream, long minTime, long maxTime, int rowCount, SegmentRef times, IReadOnlyList<ColumnInfo> columns, ColumnLayout layout,
        PartFormat.TimesEncoding timesEncoding)
    {
        TimesEncoding = timesEncoding;
        Stream = stream;
        MinTime = minTime;
        MaxTime = maxTime;
        RowCount = rowCount;
        Times = times;
        Columns = columns;
        _layout = layout;
    }

    public StreamKey Stream { get; }

    public long MinTime { get; }

    public long MaxTime { get; }

    public int RowCount { get; }

    public IReadOnlyList<ColumnInfo> Columns { get; }

    public ColumnInfo? FindColumn(string name) => _layout.IndexOf(name) is var i and >= 0 ? Columns[i] : null;

    /// <summary>Bytes the block's times take in the file.</summary>
    public int TimesBytes => Times.Length;

    internal SegmentRef Times { get; }

    /// <summary>How the times segment is encoded: DeltaOfDelta in parts of version 1 (and blocks merges copied from them), Packed since.</summary>
    internal PartFormat.TimesEncoding TimesEncoding { get; }

    /// <summary>Where the block's last segment ends: its segments tile [<see cref="Times"/>.Offset, End).</summary>
    internal long End
    {
        get
        {
            var end = Times.End;
            foreach (var c in Columns)
            {
                end = Math.Max(end, c.Bloom?.End ?? c.Data.End);
            }
            return end;
        }
    }

    /// <summary>Bytes the block's segments take in the file.</summary>
    internal long StoredBytes => End - Times.Offset;

    /// <summary>The same block with every segment moved by <paramref name="delta"/> bytes: a block copied into another part.</summary>
    internal BlockInfo Moved(long delta) =>
        new(Stream, MinTime, MaxTime, RowCount, Times with { Offset = Times.Offset + delta }, [.. Columns.Select(c => c.Moved(delta))], _layout, TimesEncoding);
}
