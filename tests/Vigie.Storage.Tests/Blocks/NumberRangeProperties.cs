using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// A column's numeric range (what queries skip blocks by) must be the range of its values read as
/// numbers by <see cref="NumberText"/>, whichever parse the encoding picker took them from.
/// </summary>
public class NumberRangeProperties
{
    private static readonly string[] Texts =
    [
        "0", "-0", "7", "-12", "007", "+5", "1.5", "-2.25", ".5", "1e3", "1E+20", "12.345", "NaN", "-Infinity", "Infinity",
        "9223372036854775807", "-9223372036854775808", "1000000000000000000", "3.14159265358979", "abc", "",
    ];

    [Fact]
    public void Analyze_RandomNumbersAndText_RangeIsNumberTextRange()
    {
        var row = Gen.Elements(Texts).Zip(Gen.Elements(ValueKind.Number, ValueKind.Number, ValueKind.String, ValueKind.Absent));
        using var picker = new EncodingPicker();
        Prop.ForAll(row.ArrayOf().Where(r => r.Length > 0).ToArbitrary(), ((string Text, ValueKind Kind)[] rows) =>
        {
            var kinds = rows.Select(r => r.Kind).ToArray();
            var values = rows.Select(r => r.Kind == ValueKind.Absent ? [] : Encoding.UTF8.GetBytes(r.Text)).ToArray();
            var numbers = new List<double>();
            var allNumbers = true;
            foreach (var (text, kind) in rows.Where(r => r.Kind != ValueKind.Absent))
            {
                if (NumberText.TryParse(Encoding.UTF8.GetBytes(text), out var d))
                {
                    numbers.Add(d);
                }
                else
                {
                    allNumbers = false;
                }
            }

            picker.Analyze(RandomBlocks.ToColumn("n", kinds, values));

            if (allNumbers && numbers.Count > 0)
            {
                Assert.Equal(numbers.Min(), picker.MinNumber);
                Assert.Equal(numbers.Max(), picker.MaxNumber);
            }
            else
            {
                Assert.Null(picker.MinNumber);
                Assert.Null(picker.MaxNumber);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
