using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

public sealed class StatsStep(StatsPipe pipe) : IRowStep
{
    public IEnumerable<IRow> Run(IEnumerable<IRow> rows)
    {
        var aggregator = new StatsAggregator(pipe);
        foreach (var row in rows)
        {
            aggregator.Add(row);
        }
        return aggregator.Finish();
    }
}
