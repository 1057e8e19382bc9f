using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>limit 10</c>: the first N rows.</summary>
public sealed record LimitPipe : Pipe
{
    public LimitPipe(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
    }

    public int Count { get; }

    public override IReadOnlySet<string>? ProjectedFields => null;

    internal override void Write(StringBuilder sb) => sb.Append("limit ").Append(Count);
}
