using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary><c>time*</c>, <c>host:web-*</c> or <c>"connection ref"*</c>: a word or phrase that may continue.</summary>
public sealed record PrefixFilter : FieldFilter
{
    public PrefixFilter(string field, string prefix)
        : base(field)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Prefix = prefix;
    }

    public string Prefix { get; }

    internal override void Write(StringBuilder sb)
    {
        var bare = Lexicon.IsBarePrefix(Field, Prefix);
        if (Field != FieldNames.Message)
        {
            sb.Append(Lexicon.FormatField(Field)).Append(':');
        }
        sb.Append(bare ? Prefix : Lexicon.Quote(Prefix)).Append('*');
    }
}
