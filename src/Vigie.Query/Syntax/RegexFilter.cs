using System.Text;
using System.Text.RegularExpressions;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>
/// <c>field:/pattern/</c>: a .NET regular expression that may match anywhere in the value, case-sensitive
/// unless the pattern says <c>(?i)</c>.
/// </summary>
public sealed record RegexFilter : FieldFilter
{
    /// <summary>How long one value may take to match before the query fails, so a bad pattern cannot stall a scan.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public RegexFilter(string field, string pattern)
        : base(field)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = EscapeSlashes(pattern);
        Regex = new Regex(Pattern, RegexOptions.CultureInvariant, MatchTimeout);
    }

    /// <summary>The pattern as written between the slashes (every <c>/</c> in it escaped as <c>\/</c>).</summary>
    public string Pattern { get; }

    public Regex Regex { get; }

    internal override void Write(StringBuilder sb)
    {
        if (Field != FieldNames.Message)
        {
            sb.Append(Lexicon.FormatField(Field)).Append(':');
        }
        sb.Append('/').Append(Pattern).Append('/');
    }

    public bool Equals(RegexFilter? other) => other is not null && Field == other.Field && Pattern == other.Pattern;

    public override int GetHashCode() => HashCode.Combine(Field, Pattern);

    // `a/b` and `a\/b` are the same regex; one spelling keeps printing and equality simple.
    private static string EscapeSlashes(string pattern)
    {
        if (!pattern.Contains('/'))
        {
            return pattern;
        }
        var sb = new StringBuilder(pattern.Length + 4);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(pattern[i]).Append(pattern[i + 1]);
                i++;
            }
            else if (pattern[i] == '/')
            {
                sb.Append("\\/");
            }
            else
            {
                sb.Append(pattern[i]);
            }
        }
        return sb.ToString();
    }
}
