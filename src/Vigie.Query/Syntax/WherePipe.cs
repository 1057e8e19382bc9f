using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>where hits:&gt;100</c>: filters the rows the previous pipe produced, with the filter language.</summary>
public sealed record WherePipe : Pipe
{
    public WherePipe(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filter = filter;
    }

    public Filter Filter { get; }

    public override IReadOnlySet<string>? ProjectedFields => null;

    public override IEnumerable<string> ReadFields => Filter.ReferencedFields();

    internal override void Write(StringBuilder sb)
    {
        sb.Append("where ");
        Filter.Write(sb);
    }
}
