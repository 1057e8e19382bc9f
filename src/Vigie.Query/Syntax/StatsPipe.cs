using System.Text;

namespace Vigie.Query.Syntax;

/// <summary><c>stats count(), avg(duration) as avg_ms by (host, _time:1h)</c>.</summary>
public sealed record StatsPipe : Pipe
{
    public StatsPipe(IReadOnlyList<StatsFunction> functions, IReadOnlyList<GroupKey> by)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(by);
        if (functions.Count == 0)
        {
            throw new ArgumentException("stats needs at least one function.", nameof(functions));
        }
        Functions = [.. functions];
        By = [.. by];
    }

    public IReadOnlyList<StatsFunction> Functions { get; }

    public IReadOnlyList<GroupKey> By { get; }

    public override IReadOnlySet<string>? ProjectedFields =>
        By.Select(k => k.Field).Concat(Functions.Where(f => f.Field is not null).Select(f => f.Field!)).ToHashSet(StringComparer.Ordinal);

    internal override void Write(StringBuilder sb)
    {
        sb.Append("stats ");
        WriteFieldList(sb, Functions.Select(f => f.ToString()));
        if (By.Count > 0)
        {
            sb.Append(" by (");
            WriteFieldList(sb, By.Select(k => k.ToString()));
            sb.Append(')');
        }
    }

    public bool Equals(StatsPipe? other) => other is not null && Functions.SequenceEqual(other.Functions) && By.SequenceEqual(other.By);

    public override int GetHashCode() => HashCode.Combine(Functions.Count, By.Count, Functions[0]);
}
