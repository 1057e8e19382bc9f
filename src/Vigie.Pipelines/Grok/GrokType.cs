using System.Globalization;
using Vigie.Core;

namespace Vigie.Pipelines.Grok;

/// <summary>What <c>%{NUMBER:bytes:int}</c> turns the captured text into.</summary>
public enum GrokType
{
    String,
    Int,
    Float,
    Bool,
}

public static class GrokTypes
{
    public static bool TryParse(string name, out GrokType type)
    {
        type = name switch
        {
            "int" or "long" or "integer" => GrokType.Int,
            "float" or "double" or "number" => GrokType.Float,
            "bool" or "boolean" => GrokType.Bool,
            "string" or "str" or "keyword" => GrokType.String,
            _ => (GrokType)(-1),
        };
        return (int)type >= 0;
    }

    /// <summary>Converts <paramref name="text"/>; false when it is not of the type (the processor fails).</summary>
    public static bool TryConvert(string text, GrokType type, out FieldValue value)
    {
        switch (type)
        {
            case GrokType.Int:
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    value = FieldValue.Num(l.ToString(CultureInfo.InvariantCulture));
                    return true;
                }
                // "12.0" as an int: accept a number that is whole.
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole) && Math.Abs(whole % 1) == 0 && Math.Abs(whole) < 9e15)
                {
                    value = FieldValue.Num(((long)whole).ToString(CultureInfo.InvariantCulture));
                    return true;
                }
                break;
            case GrokType.Float:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    value = FieldValue.Num(d.ToString("R", CultureInfo.InvariantCulture));
                    return true;
                }
                break;
            case GrokType.Bool:
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text is "1" or "yes" or "on")
                {
                    value = new FieldValue(ValueKind.Bool, "true");
                    return true;
                }
                if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text is "0" or "no" or "off")
                {
                    value = new FieldValue(ValueKind.Bool, "false");
                    return true;
                }
                break;
            default:
                value = FieldValue.Str(text);
                return true;
        }
        value = default;
        return false;
    }
}
