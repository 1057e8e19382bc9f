namespace Vigie.Query.Syntax;

/// <summary>A leaf filter that tests the value of one field; the engine evaluates it column by column.</summary>
public abstract record FieldFilter : Filter
{
    protected FieldFilter(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.Length == 0)
        {
            throw new ArgumentException("A field name cannot be empty.", nameof(field));
        }
        Field = field;
    }

    public string Field { get; }

    public override void CollectFields(ISet<string> into) => into.Add(Field);
}
