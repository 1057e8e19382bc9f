using Vigie.Core;

namespace Vigie.Query.Rows;

/// <summary>The one definition of "a row has a value for this field".</summary>
public static class RowValues
{
    public static bool IsPresent(FieldValue? value) => value is { Kind: not ValueKind.Absent };

    /// <summary>The text of a present value, else null.</summary>
    public static string? TextOf(FieldValue? value) => value is { Kind: not ValueKind.Absent } v ? v.Text : null;
}
