using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>
/// A bare value: <c>error</c> (on <c>_msg</c>) or <c>host:web-1</c>. Matches the value as whole words,
/// case-insensitively, or as an equal number.
/// </summary>
public sealed record WordFilter : FieldFilter
{
    public WordFilter(string field, string value)
        : base(field)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!(field == FieldNames.Message && Lexicon.IsWordWithoutField(value)) && !Lexicon.IsWordAfterColon(field, value))
        {
            throw new ArgumentException($"'{value}' cannot be written as a bare word; use a PhraseFilter.", nameof(value));
        }
        Value = value;
    }

    public string Value { get; }

    internal override void Write(StringBuilder sb)
    {
        if (Field == FieldNames.Message && Lexicon.IsWordWithoutField(Value))
        {
            sb.Append(Value);
            return;
        }
        sb.Append(Lexicon.FormatField(Field)).Append(':').Append(Value);
    }
}
