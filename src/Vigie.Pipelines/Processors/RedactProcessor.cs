using System.Text.RegularExpressions;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// <c>redact</c>: replaces what the patterns match in fields by a mask. Patterns are regexes or the
/// names EMAIL, BEARER_TOKEN, URL_PASSWORD, SECRET_PARAM (password=, token=, api_key=... in query
/// strings and key=value text) and CREDIT_CARD. A named group <c>keep</c> is kept around the mask.
/// </summary>
public sealed class RedactProcessor(IReadOnlyList<string> fields, IReadOnlyList<Regex> patterns, string mask) : Processor
{
    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant;

    public static IReadOnlyDictionary<string, string> Named { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EMAIL"] = @"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
        ["BEARER_TOKEN"] = @"(?<keep>\b[Bb]earer\s+)[A-Za-z0-9\-._~+/]+=*",
        ["URL_PASSWORD"] = @"(?<keep>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]+:)[^@/\s]+(?=@)",
        ["SECRET_PARAM"] = @"(?<keep>\b(?i:password|passwd|pwd|secret|token|access_token|api_key|apikey|auth)=)[^&\s""']+",
        ["CREDIT_CARD"] = @"\b(?:\d[ -]?){13,16}\b",
    };

    public static Regex Compile(string nameOrRegex) =>
        new(Named.TryGetValue(nameOrRegex, out var known) ? known : nameOrRegex, Options, Grok.GrokExpression.MatchTimeout);

    public override string Type => "redact";

    public override string? Apply(PipelineEvent e)
    {
        foreach (var f in fields)
        {
            if (e.Get(f) is not { Kind: ValueKind.String } v)
            {
                continue;
            }
            var text = v.Text;
            foreach (var p in patterns)
            {
                text = p.Replace(text, m => m.Groups["keep"] is { Success: true } keep ? keep.Value + mask : mask);
            }
            if (!ReferenceEquals(text, v.Text))
            {
                e.Set(f, FieldValue.Str(text));
            }
        }
        return null;
    }
}
