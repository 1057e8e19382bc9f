using Vigie.Core;
using Vigie.Query.Syntax;

namespace Vigie.Query.Matching;

/// <summary>
/// Each bound that is a number requires the value to be a number and compares numerically; a bound that
/// is not compares the texts ordinally (UTF-16 code units).
/// </summary>
public sealed class RangeMatcher(RangeBound? lower, RangeBound? upper) : ValueMatcher
{
    public override bool Matches(ReadOnlySpan<char> text) => Satisfies(text, lower, isLower: true) && Satisfies(text, upper, isLower: false);

    /// <summary>With numeric bounds only, a value's number decides: its text spelling does not matter.</summary>
    public override bool JudgesNumbers => lower is not { Number: null } && upper is not { Number: null };

    public override bool MatchesNumber(double number) => Compare(number, lower, isLower: true) && Compare(number, upper, isLower: false);

    /// <summary>With numeric bounds only, the value's bytes are parsed as a number directly; text bounds take the text path.</summary>
    public override bool MatchesUtf8(ReadOnlySpan<byte> utf8)
    {
        if (lower is { Number: null } || upper is { Number: null })
        {
            return base.MatchesUtf8(utf8);
        }
        if (!NumberText.TryParse(utf8, out var v))
        {
            return false;
        }
        return Compare(v, lower, isLower: true) && Compare(v, upper, isLower: false);
    }

    private static bool Compare(double v, RangeBound? bound, bool isLower)
    {
        if (bound is null)
        {
            return true;
        }
        var cmp = v.CompareTo(bound.Number!.Value);
        return isLower ? (bound.Inclusive ? cmp >= 0 : cmp > 0) : (bound.Inclusive ? cmp <= 0 : cmp < 0);
    }

    private static bool Satisfies(ReadOnlySpan<char> text, RangeBound? bound, bool isLower)
    {
        if (bound is null)
        {
            return true;
        }
        int cmp;
        if (bound.Number is { } n)
        {
            if (!NumberText.TryParse(text, out var v))
            {
                return false;
            }
            cmp = v.CompareTo(n);
        }
        else
        {
            cmp = text.SequenceCompareTo(bound.Text);
        }
        return isLower ? (bound.Inclusive ? cmp >= 0 : cmp > 0) : (bound.Inclusive ? cmp <= 0 : cmp < 0);
    }
}
