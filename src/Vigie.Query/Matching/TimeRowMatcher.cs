using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary>The row's time is in the inclusive window; rows without a time never match.</summary>
public sealed class TimeRowMatcher(long minNs, long maxNs) : RowMatcher
{
    public long MinNs { get; } = minNs;

    public long MaxNs { get; } = maxNs;

    public override bool Matches(IRow row) => row.TimeNs is { } t && t >= MinNs && t <= MaxNs;
}
