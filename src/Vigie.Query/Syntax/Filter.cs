using System.Text;

namespace Vigie.Query.Syntax;

/// <summary>A filter over rows; immutable, with structural equality and a canonical text form.</summary>
public abstract record Filter
{
    /// <summary>The binding strength of the printed form, used to decide where parentheses are needed.</summary>
    internal virtual int Precedence => 3;

    /// <summary>The names of the fields this filter reads (<c>_time</c> for time ranges).</summary>
    public IReadOnlySet<string> ReferencedFields()
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        CollectFields(fields);
        return fields;
    }

    public abstract void CollectFields(ISet<string> into);

    internal abstract void Write(StringBuilder sb);

    internal void WriteOperand(StringBuilder sb, int parentPrecedence)
    {
        if (Precedence <= parentPrecedence)
        {
            sb.Append('(');
            Write(sb);
            sb.Append(')');
        }
        else
        {
            Write(sb);
        }
    }

    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }
}
