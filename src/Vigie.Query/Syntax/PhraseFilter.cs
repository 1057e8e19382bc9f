using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>A quoted value: <c>"connection refused"</c> or <c>user:"Jane Doe"</c>; matched as words, case-insensitively.</summary>
public sealed record PhraseFilter : FieldFilter
{
    public PhraseFilter(string field, string phrase)
        : base(field)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        Phrase = phrase;
    }

    public string Phrase { get; }

    internal override void Write(StringBuilder sb)
    {
        if (Field != FieldNames.Message)
        {
            sb.Append(Lexicon.FormatField(Field)).Append(':');
        }
        sb.Append(Lexicon.Quote(Phrase));
    }
}
