using System.Text;
using Vigie.Core;
using Vigie.Query.Engine.Predicates;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Query.Engine;

/// <summary>
/// The events of a scanned block, made row by row: every column of the block, in its order, taken from
/// the columns the filter decoded, read now for the others, and for a column stored as templates the
/// row's text rebuilt alone (an event scan returns few of a block's rows; the others' texts are never made).
/// </summary>
internal sealed class BlockEvents
{
    private readonly ColumnarBlock _data;
    private readonly Column?[] _columns;
    private readonly TemplateRows?[] _templates;
    private readonly string[] _names;

    /// <exception cref="PartCorruptException">A column the filter did not read is damaged.</exception>
    public BlockEvents(BlockContext block)
    {
        _data = block.Data!;
        var infos = block.Info.Columns;
        _names = new string[infos.Count];
        _columns = new Column?[infos.Count];
        _templates = new TemplateRows?[infos.Count];
        for (var i = 0; i < infos.Count; i++)
        {
            var name = _names[i] = infos[i].Name;
            if (_data.GetColumn(name) is { } decoded)
            {
                _columns[i] = decoded;
            }
            else if (block.TemplateRows(name) is { } rows)
            {
                rows.Prepare();
                _templates[i] = rows;
            }
            else
            {
                _columns[i] = block.ReadColumn(name);
            }
        }
    }

    public long TimeNs(int row) => _data.Times[row];

    /// <summary>Row <paramref name="row"/> as an event; the same fields, in the same order, as <see cref="ColumnarBlock.ToLogEvent"/> of the whole block.</summary>
    public LogEvent ToLogEvent(int row)
    {
        var fields = new List<KeyValuePair<string, FieldValue>>();
        for (var i = 0; i < _names.Length; i++)
        {
            if (_templates[i] is { } rows)
            {
                if (rows.Kinds[row] != ValueKind.Absent)
                {
                    fields.Add(new(_names[i], new FieldValue(rows.Kinds[row], Encoding.UTF8.GetString(rows.Text(row)))));
                }
            }
            else if (_columns[i]?.GetFieldValue(row) is { } v)
            {
                fields.Add(new(_names[i], v));
            }
        }
        return new LogEvent(_data.Times[row], _data.Stream, fields);
    }
}
