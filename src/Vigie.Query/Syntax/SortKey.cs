namespace Vigie.Query.Syntax;

/// <summary>One key of a sort pipe: <c>f</c> (ascending) or <c>f desc</c>.</summary>
public sealed record SortKey
{
    public SortKey(string field, bool descending = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        Field = field;
        Descending = descending;
    }

    public string Field { get; }

    public bool Descending { get; }

    public override string ToString() => Descending ? $"{Lexicon.FormatField(Field)} desc" : Lexicon.FormatField(Field);
}
