using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>fields _time, host, _msg</c>: keeps these fields, in this order.</summary>
public sealed record FieldsPipe : Pipe
{
    public FieldsPipe(IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0 || fields.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("fields needs at least one non-empty field name.", nameof(fields));
        }
        Fields = [.. fields];
    }

    public IReadOnlyList<string> Fields { get; }

    public override IReadOnlySet<string>? ProjectedFields => Fields.ToHashSet(StringComparer.Ordinal);

    internal override void Write(StringBuilder sb)
    {
        sb.Append("fields ");
        WriteFieldList(sb, Fields.Select(Lexicon.FormatField));
    }

    public bool Equals(FieldsPipe? other) => other is not null && Fields.SequenceEqual(other.Fields);

    public override int GetHashCode() => HashCode.Combine(Fields.Count, Fields[0]);
}
