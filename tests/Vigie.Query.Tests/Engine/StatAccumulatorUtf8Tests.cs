using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Query.Pipes.Stats;
using Vigie.Query.Syntax;

namespace Vigie.Query.Tests.Engine;

/// <summary>The engine feeds stored bytes to accumulators; the result must be that of feeding text.</summary>
public sealed class StatAccumulatorUtf8Tests
{
    private static readonly string[] Values = ["1", "-2.5", "007", "1e3", "+4", ".5", "abc", "", "٣", "1٣", "NaN", "Infinity", "9e400", " 5", "3.0", "2", "-0"];

    [Fact]
    public void AddUtf8_AnyValues_SameResultAsAdd()
    {
        var functions = new[] { "count", "count_distinct", "sum", "avg", "min", "max", "p50", "p99" };
        var cases = (from f in Gen.Elements(functions) from n in Gen.Choose(0, 12) from values in Gen.Elements(Values).ArrayOf(n) select (f, values)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var function = new StatsFunction(c.f, "x");
            var byText = StatAccumulators.Create(function);
            var byBytes = StatAccumulators.Create(function);
            foreach (var v in c.values)
            {
                byText.Add(v);
                byBytes.AddUtf8(Encoding.UTF8.GetBytes(v));
            }
            return byText.Finish() == byBytes.Finish();
        }).QuickCheckThrowOnFailure();
    }
}
