using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

/// <summary>
/// <c>top N by (f)</c> is <c>stats count() as hits by (f) | sort by (hits desc) | limit N</c>: ties keep the
/// stats order (group texts, ordinal).
/// </summary>
public sealed class TopStep(TopPipe pipe) : IRowStep
{
    public StatsPipe AsStats { get; } = new([new StatsFunction(StatsFunction.Count, null, TopPipe.HitsColumn)], [.. pipe.By.Select(f => new GroupKey(f))]);

    public IEnumerable<IRow> Run(IEnumerable<IRow> rows)
    {
        var counted = new StatsStep(AsStats).Run(rows);
        var sorted = new SortStep(new SortPipe([new SortKey(TopPipe.HitsColumn, descending: true)])).Run(counted);
        return sorted.Take(pipe.N);
    }
}
