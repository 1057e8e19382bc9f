using Vigie.Query.Engine.Predicates;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Which blocks a query must look at and how to test them: the compiled predicate (the filter and
/// the request's time bounds together) and the candidate blocks of a snapshot whose time range
/// meets the query's window.
/// </summary>
internal sealed class ScanPlan
{
    public ScanPlan(QueryRequest request)
    {
        Window = PredicateCompiler.TimeWindow(request.Query.Filter, request);
        var filter = PredicateCompiler.Compile(request.Query.Filter, request.NowNs);
        Predicate = request.StartNs is null && request.EndNs is null
            ? filter
            : new AndPredicate([new TimePredicate(Window.MinNs, Window.MaxNs), filter]);
        FilterColumns = new HashSet<string>(StringComparer.Ordinal);
        Predicate.CollectColumns(FilterColumns);
        var decoded = new HashSet<string>(StringComparer.Ordinal);
        Predicate.CollectDecodedColumns(decoded);
        TemplateJudgedColumns = [.. FilterColumns.Where(c => !decoded.Contains(c))];
    }

    public (long MinNs, long MaxNs) Window { get; }

    public BlockPredicate Predicate { get; }

    /// <summary>Columns the filter reads; a scan decodes these plus what its output needs.</summary>
    public HashSet<string> FilterColumns { get; }

    /// <summary>
    /// Columns of <see cref="FilterColumns"/> that the filter judges from their templates when a block
    /// stores them so: a scan whose output does not read them leaves them undecoded in such a block.
    /// </summary>
    public IReadOnlyList<string> TemplateJudgedColumns { get; }

    public List<BlockRef> CandidateBlocks(StoreSnapshot snapshot)
    {
        var blocks = new List<BlockRef>();
        foreach (var part in snapshot.Parts)
        {
            if (part.Entry.MaxTime < Window.MinNs || part.Entry.MinTime > Window.MaxNs)
            {
                continue;
            }
            var infos = part.Reader.Blocks;
            for (var b = 0; b < infos.Count; b++)
            {
                if (infos[b].MaxTime >= Window.MinNs && infos[b].MinTime <= Window.MaxNs)
                {
                    blocks.Add(new BlockRef(part, b));
                }
            }
        }
        return blocks;
    }
}

/// <summary>One block of one part.</summary>
internal readonly record struct BlockRef(PartHandle Part, int Block)
{
    public BlockInfo Info => Part.Reader.Blocks[Block];
}
