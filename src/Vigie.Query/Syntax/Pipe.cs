using System.Text;

namespace Vigie.Query.Syntax;

/// <summary>A step after the filter, written after a <c>|</c>; immutable, with structural equality.</summary>
public abstract record Pipe
{
    /// <summary>
    /// The fields this pipe reads from its input rows. Null when it passes rows through with all their
    /// fields (where, sort, limit), so later pipes or the output may need any field.
    /// </summary>
    public abstract IReadOnlySet<string>? ProjectedFields { get; }

    /// <summary>Fields read by a pipe that keeps all fields (a where filter, sort keys).</summary>
    public virtual IEnumerable<string> ReadFields => [];

    internal abstract void Write(StringBuilder sb);

    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    internal static void WriteFieldList(StringBuilder sb, IEnumerable<string> items) => sb.AppendJoin(", ", items);
}
