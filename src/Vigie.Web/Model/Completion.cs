namespace Vigie.Web.Model;

/// <summary>One suggestion of the query bar: what it shows and the text that replaces the word being typed.</summary>
/// <param name="ReplaceFrom">Offset where the replaced part of the query starts.</param>
public sealed record Completion(string Label, string Insert, int ReplaceFrom)
{
    public string Apply(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query[..Math.Min(ReplaceFrom, query.Length)] + Insert;
    }
}
