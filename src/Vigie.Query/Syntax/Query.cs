using System.Text;

namespace Vigie.Query.Syntax;

/// <summary>A parsed query: a filter, then pipes. <see cref="ToString"/> is the canonical text, which parses back to an equal query.</summary>
public sealed record Query
{
    public Query(Filter filter, IReadOnlyList<Pipe> pipes)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(pipes);
        Filter = filter;
        Pipes = [.. pipes];
    }

    public Filter Filter { get; }

    public IReadOnlyList<Pipe> Pipes { get; }

    /// <exception cref="QueryParseException">The text is not a valid query.</exception>
    public static Query Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new QueryParser(text).ParseQuery();
    }

    /// <summary>
    /// The fields the whole query needs from stored events, or null when it needs all of them
    /// (the rows are output as they are, with no stats, top or fields pipe to narrow them).
    /// </summary>
    public IReadOnlySet<string>? ReferencedFields()
    {
        var fields = new HashSet<string>(Filter.ReferencedFields(), StringComparer.Ordinal);
        foreach (var pipe in Pipes)
        {
            if (pipe.ProjectedFields is { } projected)
            {
                fields.UnionWith(projected);
                return fields;
            }
            fields.UnionWith(pipe.ReadFields);
        }
        return null;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        Filter.Write(sb);
        foreach (var pipe in Pipes)
        {
            sb.Append(" | ");
            pipe.Write(sb);
        }
        return sb.ToString();
    }

    public bool Equals(Query? other) => other is not null && Filter.Equals(other.Filter) && Pipes.SequenceEqual(other.Pipes);

    public override int GetHashCode() => HashCode.Combine(Filter, Pipes.Count);
}
