using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>*</c>: every row.</summary>
public sealed record AllFilter : Filter
{
    public static readonly AllFilter Instance = new();

    public override void CollectFields(ISet<string> into)
    {
    }

    internal override void Write(StringBuilder sb) => sb.Append('*');
}
