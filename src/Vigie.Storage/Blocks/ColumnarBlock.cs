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

    public ColumnarBlock(StreamKey stream, long[] times, IReadOnlyList<Column> columns)
    {
        Stream = stream;
        Times = times;
        Columns = columns;
        _byName = new Dictionary<string, Column>(columns.Count, StringComparer.Ordinal);
        foreach (var c in columns)
        {
            if (c.RowCount != times.Length)
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

    public int RowCount => Times.Length;

    public Column? GetColumn(string name) => _byName.GetValueOrDefault(name);

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
