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

    public ColumnarBlock(StreamKey stream, long[] times, IReadOnlyList<Column> columns)
        : this(stream, times, times.Length, columns)
    {
    }

    private ColumnarBlock(StreamKey stream, long[] times, int rowCount, IReadOnlyList<Column> columns)
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
                throw new ArgumentException($"column {c.Name} has {c.RowCount} rows, the block {times.Length}", nameof(columns));
            }
            _byName.Add(c.Name, c);
        }
    }

    public StreamKey Stream { get; }

    /// <summary>Nanoseconds since the epoch, ascending.</summary>
    public long[] Times { get; }

    public IReadOnlyList<Column> Columns { get; }

    public int RowCount { get; }

    /// <summary>False for a block read without its times (<see cref="WithoutTimes"/>), whose <see cref="Times"/> is then empty.</summary>
    public bool HasTimes => Times.Length == RowCount;

    /// <summary>A block of <paramref name="rowCount"/> rows whose times were not read: for queries that do not look at them.</summary>
    public static ColumnarBlock WithoutTimes(StreamKey stream, int rowCount, IReadOnlyList<Column> columns) => new(stream, [], rowCount, columns);

    public Column? GetColumn(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The value arrays this block borrows from its builder (<see cref="ColumnarBlockBuilder.BuildLent"/>); null for other blocks.</summary>
    internal (LentBuffers Lender, byte[][] Arrays)? Lent { get => _lent; init => _lent = value; }

    /// <summary>Marks this freshly decoded block as borrowing <paramref name="arrays"/> from <paramref name="lender"/> (see <see cref="Parts.PartReader"/>).</summary>
    internal ColumnarBlock WithLent(LentBuffers lender, byte[][] arrays)
    {
        _lent = (lender, arrays);
        return this;
    }

    /// <summary>
    /// Gives the arrays of a block built with <see cref="ColumnarBlockBuilder.BuildLent"/> back to its
    /// builder, which fills them again: the block must not be read afterwards. Does nothing for other
    /// blocks, or a second time.
    /// </summary>
    internal void ReturnLentBuffers()
    {
        if (_lent is not { } lent)
        {
            return;
        }
        _lent = null;
        foreach (var array in lent.Arrays)
        {
            lent.Lender.Return(array);
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
