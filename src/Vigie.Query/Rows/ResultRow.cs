using System.Text;
using Vigie.Core;

namespace Vigie.Query.Rows;

/// <summary>
/// An output row: an ordered list of named values. A value of kind <see cref="ValueKind.Absent"/> is a
/// JSON null (e.g. <c>avg</c> over no numbers). Equality compares the columns only.
/// </summary>
public sealed class ResultRow : IRow, IEquatable<ResultRow>
{
    private readonly KeyValuePair<string, FieldValue>[] _columns;
    private readonly long? _timeNs;

    /// <param name="columns">The columns, in order.</param>
    /// <param name="timeNs">The row's time; when null it is read from a <c>_time</c> column holding RFC 3339 text.</param>
    public ResultRow(IEnumerable<KeyValuePair<string, FieldValue>> columns, long? timeNs = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        _timeNs = timeNs;
        if (_timeNs is null && Get(FieldNames.Time) is { Kind: not ValueKind.Absent } t && Timestamps.TryParseRfc3339(t.Text, out var ns))
        {
            _timeNs = ns;
        }
    }

    public static ResultRow From(IRow row) => row as ResultRow ?? new ResultRow(row.Columns, row.TimeNs);

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns => _columns;

    public IReadOnlyList<KeyValuePair<string, FieldValue>> ColumnList => _columns;

    public long? TimeNs => _timeNs;

    public FieldValue? Get(string name)
    {
        foreach (var (n, v) in _columns)
        {
            if (n == name)
            {
                return v;
            }
        }
        return null;
    }

    public bool Equals(ResultRow? other) => other is not null && _columns.AsSpan().SequenceEqual(other._columns);

    public override bool Equals(object? obj) => Equals(obj as ResultRow);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (n, v) in _columns)
        {
            hash.Add(n);
            hash.Add(v);
        }
        return hash.ToHashCode();
    }

    /// <summary>A readable form for test failures: <c>{host="web-1", hits=3, avg=null}</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _columns.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            var (name, value) = _columns[i];
            sb.Append(name).Append('=');
            sb.Append(value.Kind switch
            {
                ValueKind.Absent => "null",
                ValueKind.String => "\"" + value.Text + "\"",
                _ => value.Text,
            });
        }
        return sb.Append('}').ToString();
    }
}
