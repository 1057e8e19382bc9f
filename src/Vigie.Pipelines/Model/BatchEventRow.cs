using System.Text;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Pipelines.Model;

/// <summary>
/// An event of a batch seen as a row without materialising it: conditions read the few fields they
/// name, so events no pipeline selects cost a condition check and a copy, not an object per field.
/// </summary>
/// <remarks>
/// The fields conditions name are found in one pass over the event, by name id (<see cref="FieldOf"/>),
/// rather than by comparing names once per condition: every ingested event is tested against every
/// pipeline's condition, and most of them name the same few fields (<c>service</c>, <c>_msg</c>).
/// </remarks>
internal sealed class BatchEventRow(EventBatch batch) : IRow
{
    /// <summary>Per name id of the batch, the slot of that name in <see cref="ConditionSlots"/>, -1 for a name no condition reads.</summary>
    private int[]? _slotOfName;

    /// <summary>Per slot, the first field of event <see cref="_located"/> with that name, -1 when it has none.</summary>
    private int[] _fields = [];

    private int _located = -1;

    public int Index { get; set; }

    public EventBatch Batch => batch;

    public long? TimeNs => batch.GetTime(Index);

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns => batch.ToLogEvent(Index).Fields;

    /// <summary>The first field of event <paramref name="index"/> named as <paramref name="slot"/> says, or -1.</summary>
    public int FieldOf(int index, int slot)
    {
        // A condition made after the last pass (a reload) may read a name that had no slot then.
        if (index != _located || _fields.Length < ConditionSlots.Count)
        {
            Locate(index);
        }
        return slot < _fields.Length ? _fields[slot] : -1;
    }

    private void Locate(int index)
    {
        if (_slotOfName is null || _fields.Length < ConditionSlots.Count || _slotOfName.Length < batch.Names.Count)
        {
            var names = batch.Names;
            _slotOfName = new int[names.Count];
            for (var n = 0; n < names.Count; n++)
            {
                _slotOfName[n] = ConditionSlots.Find(names[n]);
            }
            _fields = new int[ConditionSlots.Count];
        }
        var fields = _fields;
        var slotOfName = _slotOfName;
        fields.AsSpan().Fill(-1);
        var (start, end) = batch.GetFieldRange(index);
        // The event's name ids as one span: one bounds check per field, not a call and two.
        var nameIds = batch.NameIds[start..end];
        for (var k = 0; k < nameIds.Length; k++)
        {
            var nameId = nameIds[k];
            if ((uint)nameId < (uint)slotOfName.Length && slotOfName[nameId] is var slot && (uint)slot < (uint)fields.Length && fields[slot] < 0)
            {
                fields[slot] = start + k;
            }
        }
        _located = index;
    }

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
