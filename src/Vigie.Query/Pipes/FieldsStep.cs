using Vigie.Core;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

/// <summary>Keeps the listed fields in the listed order; a field a row lacks is left out of that row. The row keeps its time.</summary>
public sealed class FieldsStep(FieldsPipe pipe) : IRowStep
{
    public IEnumerable<IRow> Run(IEnumerable<IRow> rows)
    {
        foreach (var row in rows)
        {
            var columns = new List<KeyValuePair<string, FieldValue>>(pipe.Fields.Count);
            foreach (var name in pipe.Fields)
            {
                if (row.Get(name) is { } value)
                {
                    columns.Add(new(name, value));
                }
            }
            yield return new ResultRow(columns, row.TimeNs);
        }
    }
}
