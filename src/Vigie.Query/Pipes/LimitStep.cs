using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

public sealed class LimitStep(LimitPipe pipe) : IRowStep
{
    public IEnumerable<IRow> Run(IEnumerable<IRow> rows) => rows.Take(pipe.Count);
}
