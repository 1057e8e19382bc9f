using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// A dictionary column's codes must give back each row's kind and bytes: checked on columns made of
/// runs of a few values, where a row often repeats the one before (the picker reuses that row's code),
/// with the same bytes under two kinds and absent rows between runs.
/// </summary>
public class EncodingPickerDictProperties
{
    private static readonly (ValueKind Kind, string Text)[] Values =
    [
        (ValueKind.String, "info"), (ValueKind.String, "warn"), (ValueKind.String, "1"), (ValueKind.Number, "1"),
        (ValueKind.String, ""), (ValueKind.String, "info "), (ValueKind.Bool, "true"), (ValueKind.String, "true"),
    ];

    [Fact]
    public void Analyze_RunsOfValues_CodesGiveBackEveryRow()
    {
        var run = from value in Gen.Choose(-1, Values.Length - 1)
                  from length in Gen.Choose(1, 6)
                  select (value, length);
        Prop.ForAll(run.ArrayOf().Where(r => r.Length > 0).ToArbitrary(), runs =>
        {
            var rows = runs.SelectMany(r => Enumerable.Repeat(r.value, r.length)).ToArray();
            var kinds = new ValueKind[rows.Length];
            var offsets = new int[rows.Length + 1];
            var bytes = new List<byte>();
            for (var r = 0; r < rows.Length; r++)
            {
                if (rows[r] >= 0)
                {
                    kinds[r] = Values[rows[r]].Kind;
                    bytes.AddRange(Encoding.UTF8.GetBytes(Values[rows[r]].Text));
                }
                offsets[r + 1] = bytes.Count;
            }
            using var picker = new EncodingPicker();
            var encoding = picker.Analyze(new Column("c", kinds, offsets, [.. bytes]));
            if (encoding is not (ColumnEncoding.Dict or ColumnEncoding.Const))
            {
                // No present row, or too few repeats for a dictionary.
                Assert.True(rows.Where(v => v >= 0).Distinct().Count() * 2 > rows.Count(v => v >= 0) || rows.All(v => v < 0));
                return;
            }
            var entries = picker.GetEntries();
            Assert.Equal(rows.Where(v => v >= 0).Distinct().Count(), entries.Length);
            var present = 0;
            foreach (var value in rows.Where(v => v >= 0))
            {
                var entry = encoding == ColumnEncoding.Const ? entries[0] : entries[picker.Codes[present]];
                Assert.Equal(Values[value].Kind, entry.Kind);
                Assert.Equal(Values[value].Text, Encoding.UTF8.GetString(entry.Bytes));
                present++;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
