using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>sort by (hits desc, host)</c>.</summary>
public sealed record SortPipe : Pipe
{
    public SortPipe(IReadOnlyList<SortKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("sort needs at least one key.", nameof(keys));
        }
        Keys = [.. keys];
    }

    public IReadOnlyList<SortKey> Keys { get; }

    public override IReadOnlySet<string>? ProjectedFields => null;

    public override IEnumerable<string> ReadFields => Keys.Select(k => k.Field);

    internal override void Write(StringBuilder sb)
    {
        sb.Append("sort by (");
        WriteFieldList(sb, Keys.Select(k => k.ToString()));
        sb.Append(')');
    }

    public bool Equals(SortPipe? other) => other is not null && Keys.SequenceEqual(other.Keys);

    public override int GetHashCode() => HashCode.Combine(Keys.Count, Keys[0]);
}
