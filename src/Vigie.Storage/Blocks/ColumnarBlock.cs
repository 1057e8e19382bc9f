using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// Rows of one stream sorted by time, held column by column: the unit parts are made of, that
/// flushes and merges build and that queries decode.
/// </summary>
/// <remarks>
/// <c>_msg</c> is an ordinary column named <see cref="FieldNames.Message"/>. Stream fields are ordinary
/// columns too (constant over the block). Immutable once built.
/// </remarks>
public sealed class ColumnarBlock
{
    private readonly Dictionary<string, Column> _byName;
    private (LentBuffers Lender, byte[][] Arrays)? _lent;
    private LentRows? _lentRows;

    public ColumnarBlock(StreamKey stream, long[] times, IReadOnlyList<Column> columns)
        : this(stream, times, times.Length, columns)
    {
    }

    /// <summary>
    /// A block of the first <paramref name="rowCount"/> rows of <paramref name="times"/> (which may be longer,
    /// an array lent by a builder, or empty, a block read without its times) and of its columns.
    /// </summary>
    internal ColumnarBlock(StreamKey stream, long[] times, int rowCount, IReadOnlyList<Column> columns)
    {
        Stream = stream;
        Times = times;
        RowCount = rowCount;
        Columns = columns;
        _byName = new Dictionary<string, Column>(columns.Count, StringComparer.Ordinal);
        foreach (var c in columns)
        {
            if (c.RowCount != rowCount)
            {
                throw new ArgumentException($"column {c.Name} has {c.RowCount} rows, the block {rowCount}", nameof(columns));
            }
            _byName.Add(c.Name, c);
        }
    }

    public StreamKey Stream { get; }

    /// <summary>
    /// Nanoseconds since the epoch, ascending, of the <see cref="RowCount"/> rows; the array may be
    /// longer in a block whose arrays are lent by its builder (<see cref="ColumnarBlockBuilder.BuildLent"/>).
    /// </summary>
    public long[] Times { get; }

    public IReadOnlyList<Column> Columns { get; }

    public int RowCount { get; }

    /// <summary>False for a block read without its times (<see cref="WithoutTimes"/>), whose <see cref="Times"/> is then empty.</summary>
    public bool HasTimes => Times.Length >= RowCount;

    /// <summary>The times of the block's rows, and no more.</summary>
    internal ReadOnlySpan<long> RowTimes => Times.AsSpan(0, RowCount);

    /// <summary>A block of <paramref name="rowCount"/> rows whose times were not read: for queries that do not look at them.</summary>
    public static ColumnarBlock WithoutTimes(StreamKey stream, int rowCount, IReadOnlyList<Column> columns) => new(stream, [], rowCount, columns);

    public Column? GetColumn(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The value arrays this block borrows from its builder (<see cref="ColumnarBlockBuilder.BuildLent"/>); null for other blocks.</summary>
    internal (LentBuffers Lender, byte[][] Arrays)? Lent { get => _lent; init => _lent = value; }

    /// <summary>
    /// The pool of this block's times and of its columns' kinds and offsets, when they are its builder's
    /// arrays (<see cref="ColumnarBlockBuilder.BuildLent"/>); null for other blocks.
    /// </summary>
    internal LentRows? LentRows { get => _lentRows; init => _lentRows = value; }

    /// <summary>Marks this freshly decoded block as borrowing <paramref name="arrays"/> from <paramref name="lender"/> (see <see cref="Parts.PartReader"/>).</summary>
    internal ColumnarBlock WithLent(LentBuffers lender, byte[][] arrays)
    {
        _lent = (lender, arrays);
        return this;
    }

    /// <summary>
    /// Marks this freshly decoded block as borrowing its value arrays from <paramref name="lender"/> and
    /// its times and its columns' kinds and offsets from <paramref name="rows"/> (see <see cref="Parts.PartReader"/>).
    /// </summary>
    internal ColumnarBlock WithLent(LentBuffers lender, byte[][] arrays, LentRows rows)
    {
        _lent = (lender, arrays);
        _lentRows = rows;
        return this;
    }

    /// <summary>
    /// Gives the arrays of a block built with <see cref="ColumnarBlockBuilder.BuildLent"/> back to its
    /// builder, which fills them again: the block must not be read afterwards. Does nothing for other
    /// blocks, or a second time.
    /// </summary>
    internal void ReturnLentBuffers()
    {
        if (_lent is { } lent)
        {
            _lent = null;
            foreach (var array in lent.Arrays)
            {
                lent.Lender.Return(array);
            }
        }
        if (_lentRows is { } rows)
        {
            _lentRows = null;
            rows.Times.Return(Times);
            foreach (var column in Columns)
            {
                rows.Kinds.Return(column.Kinds);
                rows.Offsets.Return(column.Offsets);
            }
        }
    }

    /// <summary>Materialises one row; for tests and cold paths.</summary>
    public LogEvent ToLogEvent(int row)
    {
        var fields = new List<KeyValuePair<string, FieldValue>>();
        foreach (var c in Columns)
        {
            if (c.GetFieldValue(row) is { } v)
            {
                fields.Add(new(c.Name, v));
            }
        }
        return new LogEvent(Times[row], Stream, fields);
    }
}
