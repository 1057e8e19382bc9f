using Vigie.Query.Syntax;

namespace Vigie.Web.Services;

/// <summary>A query text parsed once, or its parse error with the offset to underline.</summary>
public sealed record ParsedQuery(Vigie.Query.Syntax.Query? Query, string? Error, int? ErrorPosition)
{
    public static ParsedQuery Parse(string? text)
    {
        var t = string.IsNullOrWhiteSpace(text) ? "*" : text;
        try
        {
            return new ParsedQuery(Vigie.Query.Syntax.Query.Parse(t), null, null);
        }
        catch (QueryParseException e)
        {
            return new ParsedQuery(null, e.Message, e.Position);
        }
    }

    /// <summary>The canonical text of the filter alone (pipes dropped), for the histogram and the field sidebar.</summary>
    public string FilterText => Query is null ? "*" : new Vigie.Query.Syntax.Query(Query.Filter, []).ToString();
}
