namespace Vigie.Query.Matching;

/// <summary>Any present value, even empty; rows without the field never reach a value matcher.</summary>
public sealed class ExistsMatcher : ValueMatcher
{
    public static readonly ExistsMatcher Instance = new();

    public override bool Matches(ReadOnlySpan<char> text) => true;
}
