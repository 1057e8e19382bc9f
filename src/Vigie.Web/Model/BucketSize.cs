using Vigie.Core;

namespace Vigie.Web.Model;

/// <summary>Picks a round histogram bucket so that a range shows between about 30 and 120 bars.</summary>
public static class BucketSize
{
    private const long Second = Timestamps.NanosPerSecond;

    private static readonly long[] Steps =
    [
        1 * Second, 5 * Second, 10 * Second, 30 * Second,
        60 * Second, 5 * 60 * Second, 10 * 60 * Second, 30 * 60 * Second,
        3600 * Second, 3 * 3600 * Second, 6 * 3600 * Second, 12 * 3600 * Second,
        86400 * Second, 7 * 86400 * Second,
    ];

    /// <summary>The smallest step giving at most <paramref name="maxBars"/> bars over the span.</summary>
    public static long Choose(long spanNs, int maxBars = 120)
    {
        foreach (var step in Steps)
        {
            if (spanNs / step <= maxBars)
            {
                return step;
            }
        }
        return Steps[^1];
    }
}
