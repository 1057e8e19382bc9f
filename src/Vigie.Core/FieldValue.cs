using System.Globalization;

namespace Vigie.Core;

/// <summary>A field value with the JSON type it arrived with. Numbers keep their original text.</summary>
public readonly record struct FieldValue(ValueKind Kind, string Text)
{
    public static FieldValue Str(string text) => new(ValueKind.String, text);

    public static FieldValue Num(string text) => new(ValueKind.Number, text);

    /// <summary>
    /// Any value whose text parses as a number compares as a number, whatever its JSON type
    /// ("500" and 500 are the same status code to a user).
    /// </summary>
    public bool TryGetNumber(out double number) => NumberText.TryParse(Text, out number);

    public override string ToString() => Text;
}

/// <summary>The one definition of "this text is a number", shared by ingestion, storage and queries.</summary>
public static class NumberText
{
    public static bool TryParse(ReadOnlySpan<char> text, out double number)
    {
        if (text.IsEmpty || text.Length > 64 || !(char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.'))
        {
            number = 0;
            return false;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, out double number)
    {
        if (utf8.IsEmpty || utf8.Length > 64 || !(char.IsAsciiDigit((char)utf8[0]) || utf8[0] is (byte)'-' or (byte)'+' or (byte)'.'))
        {
            number = 0;
            return false;
        }
        return double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
    }
}
