using System.Globalization;
using Vigie.Core;

namespace Vigie.Query.Rows;

/// <summary>How computed numbers appear in results, so that every producer of results writes them alike.</summary>
public static class ResultNumbers
{
    /// <summary>A JSON null: the result of an aggregate over no numbers.</summary>
    public static readonly FieldValue Null = new(ValueKind.Absent, "");

    public static FieldValue Of(long value) => FieldValue.Num(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Shortest round-trip invariant text; integral values without a fraction; non-finite values are null.</summary>
    public static FieldValue Of(double value)
    {
        if (!double.IsFinite(value))
        {
            return Null;
        }
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            return Of((long)value);
        }
        return FieldValue.Num(value.ToString("R", CultureInfo.InvariantCulture));
    }
}
