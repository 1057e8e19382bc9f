using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary>A field filter on a row: false when the row lacks the field, else the value test.</summary>
public sealed class FieldRowMatcher(string field, ValueMatcher values) : RowMatcher
{
    public string Field { get; } = field;

    public ValueMatcher Values { get; } = values;

    public override bool Matches(IRow row) => RowValues.TextOf(row.Get(Field)) is { } text && Values.Matches(text);
}
