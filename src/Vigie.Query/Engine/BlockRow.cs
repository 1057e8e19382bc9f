using Vigie.Core;
using Vigie.Query.Rows;
using Vigie.Storage.Blocks;

namespace Vigie.Query.Engine;

/// <summary>
/// A movable view of one row of a decoded block, for aggregations that read a few fields per row
/// without materialising the event. Not thread-safe: one per worker.
/// </summary>
internal sealed class BlockRow(ColumnarBlock block) : IRow
{
    public int Row { get; set; }

    public long? TimeNs => block.Times[Row];

    public FieldValue? Get(string name) => name switch
    {
        FieldNames.Stream => FieldValue.Str(block.Stream.Text),
        FieldNames.Time => FieldValue.Str(Timestamps.FormatRfc3339(block.Times[Row])),
        _ => block.GetColumn(name)?.GetFieldValue(Row),
    };

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns => new EventRow(block.ToLogEvent(Row)).Columns;
}
