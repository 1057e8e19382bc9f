using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes;

/// <summary>A sort key parsed once per row: numbers compare as numbers, RFC 3339 times as times, the rest ordinally.</summary>
public readonly struct SortValue
{
    private readonly string? _text;
    private readonly double? _number;
    private readonly long? _time;

    private SortValue(string text)
    {
        _text = text;
        _number = NumberText.TryParse(text, out var n) ? n : null;
        _time = _number is null && Timestamps.TryParseRfc3339(text, out var t) ? t : null;
    }

    public bool IsPresent => _text is not null;

    public static SortValue Of(FieldValue? value) => RowValues.TextOf(value) is { } text ? new SortValue(text) : default;

    /// <summary>Compares two present values.</summary>
    public static int Compare(in SortValue a, in SortValue b)
    {
        if (a._number is { } x && b._number is { } y)
        {
            return x.CompareTo(y);
        }
        if (a._time is { } s && b._time is { } t)
        {
            return s.CompareTo(t);
        }
        return string.CompareOrdinal(a._text, b._text);
    }
}
