using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>field:*</c>: the field has a value, of any kind, even an empty string.</summary>
public sealed record ExistsFilter : FieldFilter
{
    public ExistsFilter(string field)
        : base(field)
    {
    }

    internal override void Write(StringBuilder sb) => sb.Append(Lexicon.FormatField(Field)).Append(":*");
}
