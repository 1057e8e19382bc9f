using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>NOT a</c> or <c>-a</c>: rows the operand rejects, including rows that lack its field.</summary>
public sealed record NotFilter : Filter
{
    public NotFilter(Filter operand)
    {
        ArgumentNullException.ThrowIfNull(operand);
        Operand = operand;
    }

    public Filter Operand { get; }

    internal override int Precedence => 2;

    public override void CollectFields(ISet<string> into) => Operand.CollectFields(into);

    internal override void Write(StringBuilder sb)
    {
        sb.Append("NOT ");
        Operand.WriteOperand(sb, Precedence - 1);
    }
}
