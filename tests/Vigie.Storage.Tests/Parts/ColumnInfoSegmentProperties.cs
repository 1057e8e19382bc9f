using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// A column keeps its segments unpacked, and the offset of its bloom only when the bloom does not
/// follow its data: whatever the segments and range given, the column gives back the same ones,
/// moved ones, and through an index written and read back the same bytes again.
/// </summary>
public class ColumnInfoSegmentProperties
{
    private const long FileLength = 1L << 34;

    private static readonly Gen<long> Offset = Gen.OneOf(
        Gen.Choose(PartFormat.HeaderSize, 1 << 20).Select(o => (long)o),
        Gen.Choose(0, int.MaxValue).Select(o => PartFormat.HeaderSize + (3L * o)));

    private static readonly Gen<SegmentRef> Segment =
        Gen.Zip(Offset, Gen.Zip(Gen.Choose(0, 1 << 20), Gen.Choose(int.MinValue, int.MaxValue)))
            .Select(t => new SegmentRef(t.Item1, t.Item2.Item1, (ulong)(uint)t.Item2.Item2 * 0x9E3779B97F4A7C15UL));

    // The bloom: none, right after the data (as written), or anywhere else.
    private static readonly Gen<(SegmentRef Data, SegmentRef? Bloom)> Segments =
        Gen.Zip(Segment, Gen.Zip(Segment, Gen.Choose(0, 2))).Select(t => (t.Item1, t.Item2.Item2 switch
        {
            0 => (SegmentRef?)null,
            1 => t.Item2.Item1 with { Offset = t.Item1.End },
            _ => t.Item2.Item1,
        }));

    private static readonly Gen<(double, double)?> Range = Gen.OneOf(
        Gen.Constant<(double, double)?>(null),
        Gen.Zip(ArbMap.Default.GeneratorFor<NormalFloat>(), ArbMap.Default.GeneratorFor<NormalFloat>())
            .Select(t => ((double, double)?)(Math.Min(t.Item1.Get, t.Item2.Get), Math.Max(t.Item1.Get, t.Item2.Get))),
        Gen.Elements<(double, double)?>((double.MinValue, double.MaxValue), (-0.0, 0.0), (0, 0)));

    private static readonly Gen<ColumnSpec> Spec =
        Gen.Zip(Segments, Gen.Zip(Range, Gen.Choose(0, 3))).Select(t => new ColumnSpec(t.Item1.Data, t.Item1.Bloom, t.Item2.Item1, t.Item2.Item2));

    internal sealed record ColumnSpec(SegmentRef Data, SegmentRef? Bloom, (double Min, double Max)? Range, int Kind);

    private static ColumnInfo Column(ColumnSpec s, int index) => s.Kind switch
    {
        0 => new ColumnInfo($"c{index}", ColumnEncoding.Raw, PartFormat.KindsLayout.PerRow, ValueKind.Absent, 2, [], s.Range?.Min, s.Range?.Max, s.Data, s.Bloom),
        1 => new ColumnInfo($"c{index}", ColumnEncoding.Const, PartFormat.KindsLayout.Uniform, ValueKind.String, 3, [new DictEntry(ValueKind.String, [0x61, (byte)index])], s.Range?.Min, s.Range?.Max, s.Data, s.Bloom),
        2 => new ColumnInfo($"c{index}", ColumnEncoding.Dict, PartFormat.KindsLayout.PerRow, ValueKind.Absent, 3, [new DictEntry(ValueKind.Number, "12"u8.ToArray()), new DictEntry(ValueKind.String, [0xff])], s.Range?.Min, s.Range?.Max, s.Data, s.Bloom),
        _ => new ColumnInfo($"c{index}", ColumnEncoding.Raw, PartFormat.KindsLayout.Uniform, ValueKind.Number, 3, [], s.Range?.Min, s.Range?.Max, s.Data, s.Bloom),
    };

    private static void AssertSame(ColumnSpec s, ColumnInfo c, long delta)
    {
        Assert.Equal(s.Data with { Offset = s.Data.Offset + delta }, c.Data);
        Assert.Equal(s.Bloom is { } b ? b with { Offset = b.Offset + delta } : null, c.Bloom);
        Assert.Equal(s.Bloom is not null, c.HasBloom);
        Assert.Equal(s.Bloom?.Length ?? 0, c.BloomBytes);
        Assert.Equal(s.Data.Length + (s.Bloom?.Length ?? 0), c.StoredBytes);
        Assert.Equal(s.Range?.Min, c.MinNumber);
        Assert.Equal(s.Range?.Max, c.MaxNumber);
    }

    [Fact]
    public void Column_GivesBackItsSegmentsAndRange_AsGivenMovedAndReadBack()
    {
        var arb = Gen.Zip(Spec.ArrayOf().Select(a => a.Take(6).ToArray()), Gen.Choose(-1000, 1 << 30)).ToArbitrary();
        Prop.ForAll(arb, ((ColumnSpec[] Specs, int Delta) t) =>
        {
            var columns = t.Specs.Select(Column).ToArray();
            for (var i = 0; i < columns.Length; i++)
            {
                AssertSame(t.Specs[i], columns[i], 0);
                var entries = columns[i].Entries;
                var moved = columns[i].Moved(t.Delta);
                AssertSame(t.Specs[i], moved, t.Delta);
                Assert.Same(entries, moved.Entries);
                Assert.Equal(columns[i].ConstValue, moved.ConstValue);
            }

            var times = new SegmentRef(PartFormat.HeaderSize, 1, 7);
            var block = new BlockInfo(StreamKey.Parse("{host=\"h\"}"), 1, 2, 3, times, columns);
            var first = new ByteBuffer();
            PartIndex.Write(first, [block]);
            var read = PartIndex.Read(first.Span, FileLength);
            for (var i = 0; i < columns.Length; i++)
            {
                AssertSame(t.Specs[i], read[0].Columns[i], 0);
            }
            var again = new ByteBuffer();
            PartIndex.Write(again, read);
            Assert.Equal(Convert.ToHexString(first.Span), Convert.ToHexString(again.Span));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
