using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

public static class RowSteps
{
    public static IRowStep Create(Pipe pipe, long nowNs) => pipe switch
    {
        StatsPipe s => new StatsStep(s),
        SortPipe s => new SortStep(s),
        LimitPipe l => new LimitStep(l),
        FieldsPipe f => new FieldsStep(f),
        WherePipe w => new WhereStep(w, nowNs),
        TopPipe t => new TopStep(t),
        _ => throw new ArgumentException($"Unknown pipe {pipe.GetType().Name}.", nameof(pipe)),
    };

    /// <summary>Runs the pipes in order over rows that already passed the query's filter.</summary>
    public static IEnumerable<IRow> RunAll(IEnumerable<Pipe> pipes, IEnumerable<IRow> rows, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(pipes);
        foreach (var pipe in pipes)
        {
            rows = Create(pipe, nowNs).Run(rows);
        }
        return rows;
    }
}
