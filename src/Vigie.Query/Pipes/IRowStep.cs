using Vigie.Query.Rows;

namespace Vigie.Query.Pipes;

/// <summary>One pipe, executing: consumes the rows of the previous step, yields its own.</summary>
public interface IRowStep
{
    IEnumerable<IRow> Run(IEnumerable<IRow> rows);
}
