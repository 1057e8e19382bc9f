using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The numeric encodings are chosen by exact round trip: a text is canonical when formatting its
/// number gives back the same bytes. <see cref="NumberForms"/> decides usual texts without that
/// round trip; it must answer exactly as the round trip does, with the same number.
/// </summary>
public class NumberFormsProperties
{
    private static readonly string[] Odd =
    [
        "", "-", "0", "-0", "00", "007", "+5", "1.0", "-0.0", "0.0", ".5", "5.", "1e5", "1E+20", "1.5e3", "NaN", "Infinity", "-Infinity",
        "0.0001", "0.00001", "0.0001234", "0.00001234", "99999999999999.5", "999999999999999.5", "100000000000000.1",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "999999999999999999", "1000000000000000000",
        "0.1234567890123456", "0.123456789012345", "12345678901234.5", "1.2.3", "1,5", " 1", "1 ", "٣", "-.5", "--1",
    ];

    [Fact]
    public void CanonicalTests_RandomTexts_SameAnswerAsParseAndFormat()
    {
        var digits = Gen.Choose(0, 9).ArrayOf().Select(d => string.Concat(d));
        var number = Gen.Zip(Gen.Zip(Gen.Elements("", "-"), digits), Gen.Zip(Gen.Elements("", ".", "e", "E+"), digits))
            .Select(t => t.Item1.Item1 + t.Item1.Item2 + t.Item2.Item1 + t.Item2.Item2);
        var shortDecimal = Gen.Zip(Gen.Zip(Gen.Elements("", "-"), Gen.Choose(0, 99_999_999)), Gen.Zip(Gen.Choose(0, 20), Gen.Choose(-2, 16)))
            .Select(t => t.Item1.Item1 + Math.Round(t.Item1.Item2 * Math.Pow(10, -t.Item2.Item1), Math.Clamp(t.Item2.Item2, 0, 15)).ToString("R", CultureInfo.InvariantCulture));
        var doubles = Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2).ToString("R", CultureInfo.InvariantCulture));
        var text = Gen.OneOf(Gen.Elements(Odd), number, shortDecimal, doubles);
        Prop.ForAll(text.ToArbitrary(), (string t) =>
        {
            var bytes = Encoding.UTF8.GetBytes(t);

            var isInt = NumberForms.TryParseCanonicalInt64(bytes, out var integer);
            var isFloat = NumberForms.TryParseCanonicalFloat64(bytes, out var number);

            Assert.Equal(ReferenceInt64(bytes, out var expectedInteger), isInt);
            Assert.Equal(ReferenceFloat64(bytes, out var expectedNumber), isFloat);
            if (isInt)
            {
                Assert.Equal(expectedInteger, integer);
            }
            if (isFloat)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(expectedNumber), BitConverter.DoubleToInt64Bits(number));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));
    }

    private static bool ReferenceInt64(byte[] text, out long value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > NumberForms.MaxInt64Chars || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        return Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture)).AsSpan().SequenceEqual(text);
    }

    private static bool ReferenceFloat64(byte[] text, out double value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > NumberForms.MaxFloat64Chars || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        return Encoding.UTF8.GetBytes(value.ToString("R", CultureInfo.InvariantCulture)).AsSpan().SequenceEqual(text);
    }
}
