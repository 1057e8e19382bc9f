using Vigie.Query.Matching;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

public sealed class WhereStep(WherePipe pipe, long nowNs) : IRowStep
{
    private readonly RowMatcher _matcher = FilterCompiler.Compile(pipe.Filter, nowNs);

    public IEnumerable<IRow> Run(IEnumerable<IRow> rows) => rows.Where(_matcher.Matches);
}
