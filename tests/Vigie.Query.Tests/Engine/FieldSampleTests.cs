using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Engine;

namespace Vigie.Query.Tests.Engine;

public sealed class FieldSampleTests
{
    [Fact]
    public void Summarize_AnyRows_CountsEachFieldAndItsTopValuesLikeAGroupBy()
    {
        // Rows of up to 4 fields out of 5 names, values from a small set so that counts repeat; some absent.
        var field = from name in Gen.Elements("a", "b", "c", "_msg", "_time")
                    from value in Gen.Elements("x", "y", "z", "")
                    from absent in Gen.Frequency((1, Gen.Constant(true)), (5, Gen.Constant(false)))
                    select new KeyValuePair<string, FieldValue>(name, absent ? new FieldValue(ValueKind.Absent, "") : FieldValue.Str(value));
        var rows = (from n in Gen.Choose(0, 40)
                    from r in field.ArrayOf().Select(fs => fs.DistinctBy(f => f.Key).ToArray()).ArrayOf(n)
                    from top in Gen.Choose(0, 4)
                    select (r, top)).ToArbitrary();
        Prop.ForAll(rows, c =>
        {
            var (events, fields) = FieldSample.Summarize(c.r, c.top);
            var present = c.r.SelectMany(r => r).Where(f => f.Value.Kind != ValueKind.Absent && f.Key != FieldNames.Time).ToList();
            var expected = present.GroupBy(f => f.Key)
                .Select(g => (Name: g.Key, Count: (long)g.Count(),
                    Top: g.GroupBy(f => f.Value.Text).Select(v => (v.Key, (long)v.Count()))
                          .OrderByDescending(v => v.Item2).ThenBy(v => v.Key, StringComparer.Ordinal).Take(c.top).ToList()))
                .OrderByDescending(f => f.Count).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
            return events == c.r.Length
                && fields.Select(f => f.Name).SequenceEqual(expected.Select(e => e.Name))
                && fields.Zip(expected).All(p => p.First.Count == p.Second.Count && p.First.TopValues.SequenceEqual(p.Second.Top));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Summarize_NoRows_IsEmpty()
    {
        var (events, fields) = FieldSample.Summarize([], 5);
        Assert.Equal(0, events);
        Assert.Empty(fields);
    }
}
