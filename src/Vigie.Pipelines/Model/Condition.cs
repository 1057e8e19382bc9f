using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Pipelines.Model;

/// <summary>
/// A pipeline's <c>if:</c>, a filter in the query language with the query engine's matching rules
/// (its <see cref="ValueMatcher"/>s). Besides the row form it has a batch form that tests field values
/// as the UTF-8 bytes the batch holds: every ingested event is tested against every pipeline, and
/// decoding values into strings for that would cost more than the copy of the event itself.
/// </summary>
public sealed class Condition
{
    private readonly Node _node;

    public Condition(string text, Filter filter, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Text = text;
        Row = FilterCompiler.Compile(filter, nowNs);
        _node = Compile(filter, nowNs);
    }

    public string Text { get; }

    public RowMatcher Row { get; }

    public bool Matches(IRow row) => Row.Matches(row);

    internal bool Matches(EventBatch batch, int index, BatchEventRow row) => _node.Matches(batch, index, row);

    private static Node Compile(Filter filter, long nowNs) => filter switch
    {
        AllFilter => new All(),
        AndFilter a => new And([.. a.Filters.Select(f => Compile(f, nowNs))]),
        OrFilter o => new Or([.. o.Filters.Select(f => Compile(f, nowNs))]),
        NotFilter n => new Not(Compile(n.Operand, nowNs)),
        FieldFilter f when f.Field is not (FieldNames.Time or FieldNames.Stream) => new Field(f.Field, ValueMatchers.For(f)),
        _ => new Fallback(FilterCompiler.Compile(filter, nowNs)),
    };

    private abstract class Node
    {
        public abstract bool Matches(EventBatch batch, int index, BatchEventRow row);
    }

    private sealed class All : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row) => true;
    }

    private sealed class And(Node[] operands) : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            foreach (var o in operands)
            {
                if (!o.Matches(batch, index, row))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private sealed class Or(Node[] operands) : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            foreach (var o in operands)
            {
                if (o.Matches(batch, index, row))
                {
                    return true;
                }
            }
            return false;
        }
    }

    private sealed class Not(Node operand) : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row) => !operand.Matches(batch, index, row);
    }

    /// <summary>As <see cref="FieldRowMatcher"/>: false when the event lacks the field, else the value test on its bytes.</summary>
    private sealed class Field(string name, ValueMatcher values) : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            var (start, end) = batch.GetFieldRange(index);
            for (var f = start; f < end; f++)
            {
                if (string.Equals(batch.GetName(f), name, StringComparison.Ordinal))
                {
                    return values.MatchesUtf8(batch.GetValue(f));
                }
            }
            return false;
        }
    }

    private sealed class Fallback(RowMatcher matcher) : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            row.Index = index;
            return matcher.Matches(row);
        }
    }
}
