using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>top 10 by (host)</c>: the most frequent values, as columns <c>host</c> then <c>hits</c>.</summary>
public sealed record TopPipe : Pipe
{
    public const string HitsColumn = "hits";

    public TopPipe(int n, IReadOnlyList<string> by)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(by);
        if (by.Count == 0 || by.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("top needs at least one non-empty field name.", nameof(by));
        }
        N = n;
        By = [.. by];
    }

    public int N { get; }

    public IReadOnlyList<string> By { get; }

    public override IReadOnlySet<string>? ProjectedFields => By.ToHashSet(StringComparer.Ordinal);

    internal override void Write(StringBuilder sb)
    {
        sb.Append("top ").Append(N).Append(" by (");
        WriteFieldList(sb, By.Select(Lexicon.FormatField));
        sb.Append(')');
    }

    public bool Equals(TopPipe? other) => other is not null && N == other.N && By.SequenceEqual(other.By);

    public override int GetHashCode() => HashCode.Combine(N, By.Count, By[0]);
}
