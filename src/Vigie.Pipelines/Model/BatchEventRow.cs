using System.Text;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Pipelines.Model;

/// <summary>
/// An event of a batch seen as a row without materialising it: conditions read the few fields they
/// name, so events no pipeline selects cost a condition check and a copy, not an object per field.
/// </summary>
internal sealed class BatchEventRow(EventBatch batch) : IRow
{
    public int Index { get; set; }

    public long? TimeNs => batch.GetTime(Index);

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns => batch.ToLogEvent(Index).Fields;

    public FieldValue? Get(string name)
    {
        if (name == FieldNames.Time)
        {
            return FieldValue.Str(Timestamps.FormatRfc3339(batch.GetTime(Index)));
        }
        if (name == FieldNames.Stream)
        {
            return FieldValue.Str(batch.GetStream(Index).Text);
        }
        var (start, end) = batch.GetFieldRange(Index);
        for (var f = start; f < end; f++)
        {
            if (string.Equals(batch.GetName(f), name, StringComparison.Ordinal))
            {
                return new FieldValue(batch.GetKind(f), Encoding.UTF8.GetString(batch.GetValue(f)));
            }
        }
        return null;
    }
}
